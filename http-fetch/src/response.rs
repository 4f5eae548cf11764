//! The response, read the way HTTP/1.1 frames it (RFC 9112). The article
//! reads until the server closes and splits at the first blank line; that
//! works for a server that closes after the body, but saves the chunk sizes
//! of a chunked body into the html, and reads forever from a server that
//! keeps the connection open. Here the header section is read line by line,
//! strictly, and it says how the body ends.

use std::io::{self, BufRead, Write};

/// All header sections together (interim 1xx ones included) larger than
/// this are refused: a server that never sends the blank line, or sends
/// `100 Continue` for ever, cannot make us hold more or wait longer.
const HEADER_LIMIT: usize = 64 * 1024;
/// The read buffer and the write buffer: a fast transfer takes few system calls.
pub const BUFFER: usize = 256 * 1024;

/// The final response's status line and header fields, as received.
pub struct Head {
    /// Every header section received, interim ones first, each line shown
    /// with `crate::display`, lines joined by CRLF as the server sent them:
    /// what the article prints.
    pub text: String,
    status: u16,
    /// The final status line: `HTTP/1.1 404 Not Found`.
    line: Vec<u8>,
    fields: Vec<(String, String)>,
}

/// Reads header sections up to the blank line that ends the final one. A
/// 1xx is an interim answer, the final one follows it (RFC 9110 15.2); but
/// after a `101 Switching Protocols` (never asked for here: `framing`
/// refuses it) HTTP/1.1 is over.
pub fn read_head(r: &mut impl BufRead) -> io::Result<Head> {
    let (mut budget, mut line) = (HEADER_LIMIT, Vec::new());
    let mut head = Head {
        text: String::new(),
        status: 100,
        line: Vec::new(),
        fields: Vec::new(),
    };
    while head.status < 200 && head.status != 101 {
        read_line(r, &mut line, &mut budget, "header section")?;
        head.status = status_code(&line).ok_or_else(|| {
            malformed(format!(
                "not an HTTP/1.x status line: `{}`",
                crate::display(&line)
            ))
        })?;
        head.line.clone_from(&line);
        head.text.push_str(&crate::display(&line));
        head.fields.clear();
        // Optional whitespace around a value is spaces and tabs only (RFC 9110 5.6.3), never `\x0b`.
        let ows = |v: &str| v.trim_matches([' ', '\t']).to_string();
        while read_line(r, &mut line, &mut budget, "header section")? > 0 {
            let (shown, text) = (crate::display(&line), String::from_utf8_lossy(&line));
            head.text.push_str(&format!("\r\n{shown}"));
            // A field name is a token: no whitespace before the colon (RFC 9112 5.1).
            let field = text
                .split_once(':')
                .filter(|(n, _)| !n.is_empty() && !n.contains([' ', '\t']));
            match (
                text.strip_prefix([' ', '\t']),
                head.fields.last_mut(),
                field,
            ) {
                // obs-fold: a field continued after a space or tab; the fold becomes a space (RFC 9112 5.2).
                (Some(more), Some((_, value)), _) => *value = format!("{value} {}", ows(more)),
                // Whitespace before the first field: that line is ignored, never used (RFC 9112 2.2).
                (Some(_), None, _) => {}
                (None, _, Some((name, value))) => head.fields.push((name.into(), ows(value))),
                _ => {
                    return Err(malformed(format!(
                        "not a header field `name: value`: `{shown}`"
                    )));
                }
            }
        }
        head.text.push('\n');
    }
    Ok(head)
}

/// `HTTP/1.1 200 OK`: the version `HTTP/1.x`, one space, three digits in
/// 100..=599, then a space and the reason phrase (RFC 9112 4). `+20` or a
/// fourth digit is no status code.
fn status_code(line: &[u8]) -> Option<u16> {
    let (version, code, reason) = (line.get(..9)?, line.get(9..12)?, line.get(12..)?);
    let digits = code.iter().all(u8::is_ascii_digit) && version[7].is_ascii_digit();
    let code = std::str::from_utf8(code)
        .ok()?
        .parse()
        .ok()
        .filter(|c| (100..600).contains(c))?;
    let space = reason.is_empty() || reason.starts_with(b" ");
    (digits && space && version.starts_with(b"HTTP/1.") && version[8] == b' ').then_some(code)
}

/// Copies the body of a 2xx answer to `out` as it arrives, framed as RFC
/// 9112 6.3 says; returns how many bytes it had. Chunk data is taken from
/// the reader's buffer and gathered in one write buffer, so a small chunk
/// costs a size line to parse, not a system call.
pub fn copy_body(r: &mut impl BufRead, head: &Head, out: &mut impl Write) -> io::Result<u64> {
    let length = head.framing()?; // None: chunked
    let (mut buf, mut line, mut total) = (Vec::with_capacity(2 * BUFFER), Vec::new(), 0);
    let (mut left, mut chunk) = (length.unwrap_or(0), None);
    loop {
        if length.is_none() && left == 0 {
            // The CRLF after a chunk's data, then the next chunk-size line (RFC 9112 7.1).
            if chunk.is_some() && read_line(r, &mut line, &mut { HEADER_LIMIT }, "chunk")? > 0 {
                return Err(malformed(format!(
                    "chunk of {} bytes not followed by CRLF",
                    chunk.unwrap_or(0)
                )));
            }
            read_line(r, &mut line, &mut { HEADER_LIMIT }, "chunk size line")?;
            left = chunk_size(&line).ok_or_else(|| {
                malformed(format!("bad chunk size line `{}`", crate::display(&line)))
            })?;
            chunk = Some(left);
        }
        let data = if left > 0 { r.fill_buf()? } else { &[] };
        if data.is_empty() && left > 0 && length != Some(u64::MAX) {
            return Err(closed(format!(
                "after {total} of {} body bytes",
                total + left
            )));
        } else if data.is_empty() {
            break;
        }
        let n = left.min(data.len() as u64) as usize;
        // A body framed by length or close, or a big piece of a chunk, goes
        // straight from the reader's buffer to the file; small chunks are
        // gathered and written 256 KiB at a time.
        if length.is_some() || (buf.is_empty() && n >= BUFFER / 4) {
            out.write_all(&data[..n])?;
        } else {
            buf.extend_from_slice(&data[..n]);
        }
        if buf.len() >= BUFFER {
            out.write_all(&buf)?;
            buf.clear();
        }
        (left, total) = (left - n as u64, total + n as u64);
        r.consume(n);
    }
    // Trailer fields, up to the blank line: metadata about the body, not
    // part of it; like most clients, we read and drop them.
    let mut budget = HEADER_LIMIT;
    while length.is_none() && read_line(r, &mut line, &mut budget, "trailer section")? > 0 {}
    out.write_all(&buf)?;
    Ok(total)
}

impl Head {
    /// How the body ends: `Some(n)` bytes (`u64::MAX`: until the server
    /// closes), or `None` for chunked. A 2xx only: the user asked for the
    /// page, and an error or redirect page is not it.
    fn framing(&self) -> io::Result<Option<u64>> {
        let (code, reason) = (
            self.status,
            crate::display(self.line.get(13..).unwrap_or_default()),
        );
        let to = self
            .fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("location"));
        let to = to
            .map(|(_, to)| crate::display(to.as_bytes()))
            .filter(|_| (300..400).contains(&code));
        let tls = if to.as_ref().is_some_and(|t| t.starts_with("https:")) {
            "; std has no TLS"
        } else {
            ""
        };
        let to = to.map_or(String::new(), |t| {
            format!(": the page is at {t} (redirects are not followed{tls})")
        });
        match code {
            204 => return Ok(Some(0)), // no content, whatever the fields say (RFC 9112 6.3)
            200..=299 => {}
            _ => {
                return Err(malformed(format!(
                    "the server answered {code} {reason}{to}"
                )));
            }
        }
        // Transfer-Encoding wins over Content-Length; empty list elements
        // are nothing (RFC 9110 5.6.1). std has no decompressor: only a
        // single final `chunked` can be read.
        let codings: Vec<&str> = self
            .values("transfer-encoding")
            .filter(|c| !c.is_empty())
            .collect();
        // An HTTP/1.0 answer with Transfer-Encoding has faulty framing (RFC 9112 6.1).
        let bad = codings
            .iter()
            .find(|c| !c.eq_ignore_ascii_case("chunked"))
            .or(codings.get(1));
        if let Some(bad) = bad.or(codings
            .first()
            .filter(|_| self.line.starts_with(b"HTTP/1.0")))
        {
            let bad = crate::display(bad.as_bytes());
            return Err(malformed(format!(
                "cannot read transfer coding `{bad}` (HTTP/1.1 `chunked` only)"
            )));
        } else if !codings.is_empty() {
            return Ok(None);
        }
        // Content-Length: digits, and every value the same (RFC 9112 6.3).
        let digits = |v: &str| {
            v.parse()
                .ok()
                .filter(|_| v.bytes().all(|b| b.is_ascii_digit()))
        };
        let mut lengths = self.values("content-length").map(digits);
        match lengths.next() {
            None => Ok(Some(u64::MAX)),
            Some(Some(n)) if n < u64::MAX && lengths.all(|l| l == Some(n)) => Ok(Some(n)),
            _ => Err(malformed("bad or disagreeing Content-Length".into())),
        }
    }

    /// The comma-separated elements of the fields called `name` (any case).
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        let fields = self
            .fields
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name));
        fields
            .flat_map(|(_, v)| v.split(','))
            .map(|v| v.trim_matches([' ', '\t']))
    }
}

/// Reads one line, of at most `budget` bytes, into `line` without its CRLF
/// (or bare LF, RFC 9112 2.2); returns its length. A NUL or a bare CR in it
/// is refused (RFC 9110 5.5), never printed or used.
fn read_line(
    r: &mut impl BufRead,
    line: &mut Vec<u8>,
    budget: &mut usize,
    what: &str,
) -> io::Result<usize> {
    line.clear();
    *budget -= io::Read::take(&mut *r, *budget as u64).read_until(b'\n', line)?;
    if !line.ends_with(b"\n") {
        let too_long = malformed(format!("{what} larger than {} KiB", HEADER_LIMIT / 1024));
        return Err(if *budget == 0 {
            too_long
        } else {
            closed(format!("in the {what}"))
        });
    }
    line.truncate(line.len() - 1 - usize::from(line.ends_with(b"\r\n"))); // the CRLF or LF
    if line.contains(&0) || line.contains(&b'\r') {
        return Err(malformed(format!(
            "NUL or bare CR in the {what}: `{}`",
            crate::display(line)
        )));
    }
    Ok(line.len())
}

/// `1a2b` or `1a2b;name=value` (extensions are ignored), in hex.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let size = std::str::from_utf8(line)
        .ok()?
        .split(';')
        .next()?
        .trim_matches([' ', '\t']);
    let hex = !size.is_empty() && size.bytes().all(|b| b.is_ascii_hexdigit()); // overflow: from_str_radix errs
    u64::from_str_radix(size, 16).ok().filter(|_| hex)
}

fn malformed(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

fn closed(when: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!("the server closed the connection {when}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes() {
        assert_eq!(chunk_size(b"1a"), Some(26));
        assert_eq!(chunk_size(b"FF;name=\"va;lue\""), Some(255));
        assert_eq!(chunk_size(b"0"), Some(0));
        assert_eq!(chunk_size(b"10 \t;ext"), Some(16));
        assert_eq!(chunk_size(b"ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(chunk_size(b"00000000000000000003"), Some(3)); // 1*HEXDIG (RFC 9112 7.1)
        for bad in [
            &b""[..],
            b"-1",
            b"+1",
            b"0x10",
            b"1 0",
            b"g",
            b"10000000000000000",
        ] {
            assert_eq!(chunk_size(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    fn head(text: &str) -> io::Result<Head> {
        read_head(&mut format!("{text}\r\n\r\n").as_bytes())
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let cases = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 5", Some(5)),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5",
                Some(5),
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551614",
                Some(u64::MAX - 1),
            ),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5, 5", Some(5)),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5",
                None,
            ),
            (
                "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked,\r\nTransfer-Encoding: ,",
                None,
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 5",
                Some(5),
            ),
            (
                "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tContent-Length: 5",
                Some(u64::MAX),
            ),
            ("HTTP/1.0 200 OK", Some(u64::MAX)),
            ("HTTP/1.1 204 No Content\r\nContent-Length: 5", Some(0)),
        ];
        for (text, framing) in cases {
            assert_eq!(
                head(text).and_then(|h| h.framing()).unwrap(),
                framing,
                "{text}"
            );
        }
        for bad in [
            "Content-Length: 5, 6",
            "Content-Length: -1",
            "Content-Length: +1",
            "Content-Length: 5x",
            "Content-Length:",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked, gzip",
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
            "Content-Length: 18446744073709551615",
            "Content-Length : 5",
            ": 5",
        ] {
            assert!(
                head(&format!("HTTP/1.1 200 OK\r\n{bad}"))
                    .and_then(|h| h.framing())
                    .is_err(),
                "{bad}"
            );
        }
        let http10 = "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3";
        assert!(
            head(http10).and_then(|h| h.framing()).is_err(),
            "RFC 9112 6.1: faulty framing"
        );
    }

    #[test]
    fn status_lines() {
        assert_eq!(
            head("HTTP/1.0 301 Moved Permanently").unwrap().line,
            b"HTTP/1.0 301 Moved Permanently"
        );
        assert_eq!(head("HTTP/1.1 200").unwrap().status, 200);
        assert_eq!(head("HTTP/1.1 599 ").unwrap().status, 599);
        for bad in [
            "ICY 200 OK",
            "HTTP/2 200 OK",
            "HTTP/1.1 2000 OK",
            "HTTP/1.1 OK",
            "",
            "HTTP/1.01 200 OK",
            "HTTP/1.1 +20 OK",
            "HTTP/1.1 099 Low",
            "HTTP/1.1 600 High",
            "HTTP/1.1  200 OK",
            "HTTP/1.1 200\tOK",
            "HTTP/1.1 200 O\0K",
        ] {
            assert!(head(bad).is_err(), "{bad}");
        }
    }
}
