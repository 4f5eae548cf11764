//! The response, read the way HTTP/1.1 frames it (RFC 9112). The article
//! reads until the server closes and splits at the first blank line; that
//! works for a server that closes after the body, as its `Connection:
//! close` asks, but saves the chunk sizes of a chunked body into the html,
//! and waits for ever on a server that ignores that and keeps the
//! connection open. Here the header section is read line by line,
//! strictly, and it says how the body ends; `Body::read` then gives the
//! body's bytes as `recv` would, and 0 at its end.

use std::io::{self, BufRead, BufReader, ErrorKind, Read};
use std::net::TcpStream;

/// All header sections together (interim 1xx ones included) larger than
/// this are refused: a server that never sends the blank line, or sends
/// `100 Continue` for ever, cannot make us hold more or wait longer. A
/// chunk-size line and the trailer section have the same limit.
const HEADER_LIMIT: usize = 64 * 1024;
/// The read buffer, the pieces of the body and the write buffer: a fast
/// transfer takes few system calls and copies.
pub const BUFFER: usize = 256 * 1024;

/// The final response's status line and header fields, as received.
#[derive(Default)]
pub struct Head {
    /// Every header section received, interim ones first, each line shown
    /// with `crate::show`; the lines of a section joined by CRLF (a line the
    /// server ended with a bare LF too), sections by a newline: what the
    /// article prints.
    pub text: String,
    status: u16,
    /// The final status line: `HTTP/1.1 404 Not Found`.
    line: Vec<u8>,
    fields: Vec<(String, String)>,
}

/// How the body ends (RFC 9112 6.3).
#[derive(Debug, PartialEq)]
pub enum Framing {
    /// After this many bytes.
    ContentLength(u64),
    /// After the chunk of size 0, each chunk preceded by its size.
    Chunked,
    /// When the server closes the connection.
    UntilClose,
}

/// The body, received piece by piece.
pub struct Body {
    framing: Framing,
    /// Bytes still to come: of the body (ContentLength) or of the current
    /// chunk (Chunked).
    left: u64,
    /// The size of the current chunk; `None` before the first.
    chunk: Option<u64>,
    /// Bytes of the body received so far.
    pub total: u64,
}

/// Reads header sections up to the blank line that ends the final one. A
/// 1xx is an interim answer, the final one follows it (RFC 9110 15.2); but
/// after a `101 Switching Protocols` (never asked for here: `framing`
/// refuses it) HTTP/1.1 is over.
pub fn read_head(r: &mut BufReader<&TcpStream>) -> io::Result<Head> {
    let mut budget = HEADER_LIMIT;
    let mut head = Head::default(); // status 0: no status line yet
    while head.status < 200 && head.status != 101 {
        let line = read_line(r, &mut budget, "header section")?;
        let shown = crate::show(&line);
        let Some(status) = status_code(&line) else {
            return Err(malformed(format!("not an HTTP/1.x status line: `{shown}`")));
        };
        head.status = status;
        head.line = line;
        if !head.text.is_empty() {
            head.text.push('\n'); // after an interim section
        }
        head.text.push_str(&shown);
        head.fields.clear();
        loop {
            let line = read_line(r, &mut budget, "header section")?;
            if line.is_empty() {
                break; // the blank line that ends the section
            }
            let shown = crate::show(&line);
            head.text.push_str(&format!("\r\n{shown}"));
            let text = String::from_utf8_lossy(&line);
            if let Some(more) = text.strip_prefix([' ', '\t']) {
                // obs-fold: a field continued after a space or tab; the fold
                // becomes a space (RFC 9112 5.2). Before the first field such a
                // line is ignored, never used (RFC 9112 2.2).
                if let Some((_, value)) = head.fields.last_mut() {
                    *value = format!("{value} {}", ows(more));
                }
                continue;
            }
            match text.split_once(':') {
                // A field name is a token: no whitespace before the colon (RFC 9112 5.1).
                Some((name, value)) if !name.is_empty() && !name.contains([' ', '\t']) => {
                    head.fields.push((name.to_string(), ows(value).to_string()));
                }
                _ => {
                    let what = format!("not a header field `name: value`: `{shown}`");
                    return Err(malformed(what));
                }
            }
        }
    }
    Ok(head)
}

/// Optional whitespace around a field value: spaces and tabs only (RFC
/// 9110 5.6.3), never `\x0b`.
fn ows(value: &str) -> &str {
    value.trim_matches([' ', '\t'])
}

/// `HTTP/1.1 200 OK`: the version `HTTP/1.x`, one space, three digits in
/// 100..=599, then a space and the reason phrase (RFC 9112 4). `+20` or a
/// fourth digit is no status code.
fn status_code(line: &[u8]) -> Option<u16> {
    let version = line.get(..9)?; // `HTTP/1.1 `
    let code = line.get(9..12)?; // `200`
    let http = version.starts_with(b"HTTP/1.") && version[8] == b' ';
    let digits = code.iter().all(u8::is_ascii_digit) && version[7].is_ascii_digit();
    let space = line.len() == 12 || line[12] == b' '; // before the reason phrase
    let code: u16 = String::from_utf8_lossy(code).parse().ok()?;
    if !http || !digits || !space || !(100..600).contains(&code) {
        return None;
    }
    Some(code)
}

impl Head {
    /// How the body ends. A 2xx only: the user asked for the page, and an
    /// error or a redirect page is not it.
    pub fn framing(&self) -> io::Result<Framing> {
        match self.status {
            204 => return Ok(Framing::ContentLength(0)), // no content, whatever the fields say (RFC 9112 6.3)
            200..=299 => {}
            // Not the page asked for. (For a redirect, the header printed
            // shows where the page is: its `Location`.)
            _ => {
                let reason = crate::show(self.line.get(13..).unwrap_or_default());
                let why = format!("the server answered {} {reason}", self.status);
                return Err(malformed(why));
            }
        }
        // Transfer-Encoding wins over Content-Length; empty list elements
        // are nothing (RFC 9110 5.6.1). std has no decompressor: only a
        // single final `chunked` can be read, and in an HTTP/1.0 answer
        // Transfer-Encoding is faulty framing (RFC 9112 6.1).
        let mut codings = self.values("transfer-encoding");
        let sent = !codings.is_empty(); // each field gives one element at least
        codings.retain(|c| !c.is_empty());
        if sent && codings.is_empty() {
            let why = "Transfer-Encoding names no coding: HTTP/1.1 chunked only";
            return Err(malformed(why.into()));
        }
        let http10 = self.line.starts_with(b"HTTP/1.0");
        for (i, coding) in codings.iter().enumerate() {
            if i > 0 || http10 || !coding.eq_ignore_ascii_case("chunked") {
                let coding = crate::show(coding.as_bytes());
                let why = format!("cannot read transfer coding `{coding}`: HTTP/1.1 chunked only");
                return Err(malformed(why));
            }
        }
        if !codings.is_empty() {
            return Ok(Framing::Chunked);
        }
        // Content-Length: digits, and every value the same (RFC 9112 6.3).
        let mut length = None;
        for value in self.values("content-length") {
            let digits = value.bytes().all(|b| b.is_ascii_digit()); // `+5` parses too
            let n = value.parse::<u64>().ok();
            if !digits || n.is_none() || (length.is_some() && length != n) {
                return Err(malformed("bad or disagreeing Content-Length".into()));
            }
            length = n;
        }
        match length {
            Some(n) => Ok(Framing::ContentLength(n)),
            None => Ok(Framing::UntilClose),
        }
    }

    /// The comma-separated elements of the fields called `name` (any case).
    fn values(&self, name: &str) -> Vec<&str> {
        let mut values = Vec::new();
        for (n, v) in &self.fields {
            if n.eq_ignore_ascii_case(name) {
                values.extend(v.split(',').map(ows));
            }
        }
        values
    }
}

impl Body {
    pub fn new(framing: Framing) -> Body {
        let left = match framing {
            Framing::ContentLength(n) => n, // the whole body is left
            Framing::Chunked | Framing::UntilClose => 0,
        };
        Body {
            framing,
            left,
            chunk: None,
            total: 0,
        }
    }

    /// Reads the next piece of the body into `buf`, as `recv` does: up to
    /// `buf.len()` bytes, and 0 at the end of the body, wherever HTTP/1.1
    /// says that is. A close before that end is an error.
    pub fn read(&mut self, r: &mut BufReader<&TcpStream>, buf: &mut [u8]) -> io::Result<usize> {
        if self.framing == Framing::Chunked && self.left == 0 {
            self.next_chunk(r)?;
        }
        let want = match self.framing {
            Framing::UntilClose => buf.len(),
            Framing::ContentLength(_) | Framing::Chunked => buf
                .len()
                .min(usize::try_from(self.left).unwrap_or(usize::MAX)),
        };
        if want == 0 {
            return Ok(0);
        }
        let n = r.read(&mut buf[..want])?;
        if self.framing != Framing::UntilClose {
            if n == 0 {
                // What arrived, counted; never a sum of sizes the server sent.
                let total = self.total;
                let when = match self.framing {
                    Framing::ContentLength(length) => {
                        format!("after {total} of {length} body bytes")
                    }
                    _ => format!("after {total} body bytes, inside a chunk"), // Chunked
                };
                return Err(closed(when));
            }
            self.left -= n as u64;
        }
        self.total += n as u64;
        Ok(n)
    }

    /// The CRLF after a chunk's data, the next chunk-size line, and after
    /// the last chunk (size 0) the trailer section (RFC 9112 7.1).
    fn next_chunk(&mut self, r: &mut BufReader<&TcpStream>) -> io::Result<()> {
        let mut budget = HEADER_LIMIT;
        match self.chunk {
            Some(0) => return Ok(()), // the last chunk has been read
            Some(size) => {
                let rest = read_line(r, &mut budget, "chunk")?;
                if !rest.is_empty() {
                    let what = format!("chunk of {size} bytes not followed by CRLF");
                    return Err(malformed(what));
                }
            }
            None => {} // the first chunk
        }
        let line = read_line(r, &mut budget, "chunk size line")?;
        let Some(size) = chunk_size(&line) else {
            let shown = crate::show(&line);
            return Err(malformed(format!("bad chunk size line `{shown}`")));
        };
        self.chunk = Some(size);
        self.left = size;
        // Trailer fields, up to the blank line: metadata about the body, not
        // part of it; like most clients, we read and drop them.
        if size == 0 {
            loop {
                let line = read_line(r, &mut budget, "trailer section")?;
                if line.is_empty() {
                    break; // the blank line that ends the trailer section
                }
            }
        }
        Ok(())
    }
}

/// Reads one line, of at most `budget` bytes, without its CRLF (or bare
/// LF, RFC 9112 2.2). A NUL or a bare CR in it is refused (RFC 9110 5.5),
/// never printed or used.
fn read_line(r: &mut BufReader<&TcpStream>, budget: &mut usize, what: &str) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    let mut limited = r.by_ref().take(*budget as u64);
    let n = limited.read_until(b'\n', &mut line)?;
    *budget -= n;
    if !line.ends_with(b"\n") && *budget == 0 {
        let limit = HEADER_LIMIT / 1024;
        return Err(malformed(format!("{what} larger than {limit} KiB")));
    }
    if !line.ends_with(b"\n") {
        return Err(closed(format!("in the {what}")));
    }
    line.pop(); // the LF
    if line.ends_with(b"\r") {
        line.pop(); // the CR before it
    }
    if line.contains(&0) || line.contains(&b'\r') {
        let what = format!("NUL or bare CR in the {what}: `{}`", crate::show(&line));
        return Err(malformed(what));
    }
    Ok(line)
}

/// `1a2b` or `1a2b;name=value`, in hex. Extensions, from the first `;`,
/// are ignored whatever their bytes (RFC 9112 7.1.1).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let end = line.iter().position(|&b| b == b';').unwrap_or(line.len());
    let text = String::from_utf8_lossy(&line[..end]);
    let size = ows(&text);
    // 1*HEXDIG: no sign, no `0x`; too many digits overflow and are refused.
    if size.is_empty() || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(size, 16).ok()
}

fn malformed(what: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, what)
}

fn closed(when: String) -> io::Error {
    let what = format!("the server closed the connection {when}");
    io::Error::new(ErrorKind::UnexpectedEof, what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    #[test]
    fn chunk_sizes() {
        assert_eq!(chunk_size(b"1a"), Some(26));
        assert_eq!(chunk_size(b"FF;name=\"va;lue\""), Some(255));
        assert_eq!(chunk_size(b"0"), Some(0));
        assert_eq!(chunk_size(b"10 \t;ext"), Some(16));
        assert_eq!(chunk_size(b"5;a=\"\xff\""), Some(5)); // obs-text in a quoted value
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

    /// `text` and a blank line, read as the program reads a server's answer.
    fn head(text: &str) -> io::Result<Head> {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut server = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (client, _) = listener.accept().unwrap();
        server
            .write_all(format!("{text}\r\n\r\n").as_bytes())
            .unwrap();
        drop(server);
        read_head(&mut BufReader::new(&client))
    }

    #[test]
    fn framing_follows_rfc_9112() {
        let cases = [
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 5",
                Framing::ContentLength(5),
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5",
                Framing::ContentLength(5),
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615",
                Framing::ContentLength(u64::MAX),
            ),
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 5, 5",
                Framing::ContentLength(5),
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5",
                Framing::Chunked,
            ),
            (
                "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked,\r\nTransfer-Encoding: ,",
                Framing::Chunked,
            ),
            (
                "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tContent-Length: 5",
                Framing::UntilClose,
            ),
            ("HTTP/1.0 200 OK", Framing::UntilClose),
            (
                "HTTP/1.1 204 No Content\r\nContent-Length: 5",
                Framing::ContentLength(0),
            ),
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
            "Transfer-Encoding: ,",
            "Transfer-Encoding:\r\nContent-Length: 5",
            "Content-Length: 18446744073709551616",
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
