//! The response, read the way HTTP/1.1 frames it (RFC 9112). The article
//! reads until the server closes and splits at the first blank line; that
//! works for a server that closes after the body, but saves the chunk sizes
//! of a chunked body into the html, and reads forever from a server that
//! keeps the connection open. Here the header section is read line by line,
//! and it says how the body ends.

use std::io::{self, BufRead, Read, Write};

/// A header section larger than this is refused: a server that never sends
/// the blank line cannot make us hold more.
pub const HEADER_LIMIT: usize = 64 * 1024;
/// A chunk-size line (size and extensions) larger than this is malformed.
const CHUNK_LINE_LIMIT: usize = 4 * 1024;

/// The status line and headers, as received.
pub struct Head {
    /// The header section as the server sent it, without the blank line
    /// that ends it: what the article prints.
    pub text: Vec<u8>,
    pub status: u16,
    pub reason: String,
    headers: Vec<(String, String)>,
}

/// How the body ends.
#[derive(Debug, PartialEq)]
pub enum Framing {
    /// No body: 1xx, 204 and 304 responses.
    Empty,
    /// `Content-Length: n`: exactly n bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`: chunks, each with its size in hex.
    Chunked,
    /// Neither: the body ends when the server closes (and HTTP/1.0).
    UntilClose,
}

impl Head {
    /// The value of the first header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Every value of the headers called `name`, comma lists split.
    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
    }

    /// RFC 9112 section 6.3: Transfer-Encoding wins over Content-Length;
    /// several Content-Length values must agree.
    pub fn framing(&self) -> io::Result<Framing> {
        if (100..200).contains(&self.status) || self.status == 204 || self.status == 304 {
            return Ok(Framing::Empty);
        }
        if let Some(last) = self.values("Transfer-Encoding").last() {
            // Chunked must come last; any other final coding ends at close.
            return Ok(if last.eq_ignore_ascii_case("chunked") {
                Framing::Chunked
            } else {
                Framing::UntilClose
            });
        }
        let mut length = None;
        for value in self.values("Content-Length") {
            let n = parse_length(value).ok_or_else(|| malformed(format!("bad Content-Length `{value}`")))?;
            if length.is_some_and(|l| l != n) {
                return Err(malformed("Content-Length headers that disagree".into()));
            }
            length = Some(n);
        }
        Ok(length.map_or(Framing::UntilClose, Framing::Length))
    }
}

/// Reads the status line and headers, up to and including the blank line.
pub fn read_head(r: &mut impl BufRead) -> io::Result<Head> {
    let mut text = Vec::new();
    loop {
        let room = HEADER_LIMIT - text.len();
        let start = text.len();
        let n = r.take(room as u64).read_until(b'\n', &mut text)?;
        if n == 0 || !text.ends_with(b"\n") {
            return Err(if text.len() == HEADER_LIMIT {
                malformed(format!("header section larger than {} KiB", HEADER_LIMIT / 1024))
            } else if text.is_empty() {
                closed("the server closed the connection without answering")
            } else {
                closed("the server closed the connection in the middle of the header")
            });
        }
        if text[start..] == *b"\r\n" || text[start..] == *b"\n" {
            text.truncate(start);
            break;
        }
    }
    while text.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
        text.pop();
    }
    parse_head(text)
}

fn parse_head(text: Vec<u8>) -> io::Result<Head> {
    let head = String::from_utf8_lossy(&text).into_owned();
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    // HTTP/1.1 200 OK
    let mut parts = status_line.splitn(3, ' ');
    let (version, code, reason) = (parts.next(), parts.next(), parts.next().unwrap_or_default());
    let status = match (version, code) {
        (Some(v), Some(c)) if v.starts_with("HTTP/1.") && c.len() == 3 => c.parse::<u16>().ok(),
        _ => None,
    };
    let status = status.ok_or_else(|| malformed(format!("not an HTTP/1.x status line: `{status_line}`")))?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed(format!("header line without a colon: `{line}`")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(Head { text, status, reason: reason.to_string(), headers })
}

/// Copies the body to `out` as it arrives; returns how many bytes it had.
pub fn copy_body(r: &mut impl BufRead, framing: &Framing, out: &mut impl Write) -> io::Result<u64> {
    match *framing {
        Framing::Empty => Ok(0),
        Framing::Length(n) => {
            let got = pump(r, n, out)?;
            if got < n {
                return Err(closed(&format!(
                    "the server closed the connection after {got} of {n} body bytes (Content-Length)"
                )));
            }
            Ok(n)
        }
        Framing::UntilClose => pump(r, u64::MAX, out),
        Framing::Chunked => copy_chunked(r, out),
    }
}

/// Copies up to `limit` bytes, or until the server closes, from `r` to
/// `out`; returns how many. Like io::copy, but with a 256 KiB buffer: the
/// BufReader hands over what it holds, then reads bigger than its own
/// buffer go straight from the socket into this one, so a big body costs
/// few system calls and one copy.
fn pump(r: &mut impl BufRead, limit: u64, out: &mut impl Write) -> io::Result<u64> {
    let mut buf = vec![0; 256 * 1024];
    let mut copied = 0;
    while copied < limit {
        let want = (limit - copied).min(buf.len() as u64) as usize;
        let n = match r.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.write_all(&buf[..n])?;
        copied += n as u64;
    }
    Ok(copied)
}

/// `Transfer-Encoding: chunked`: `<size in hex>[;extensions]\r\n`, that many
/// bytes, `\r\n`, and so on, until a chunk of size 0; then optional trailer
/// fields and a blank line. Only the chunk data is the body.
fn copy_chunked(r: &mut impl BufRead, out: &mut impl Write) -> io::Result<u64> {
    let mut total = 0u64;
    let mut line = Vec::new();
    loop {
        read_line(r, &mut line, CHUNK_LINE_LIMIT, "chunk size line")?;
        let size = chunk_size(&line).ok_or_else(|| {
            malformed(format!("bad chunk size line `{}`", String::from_utf8_lossy(&line).trim_end()))
        })?;
        if size == 0 {
            break;
        }
        let got = pump(r, size, out)?;
        total += got;
        if got < size {
            return Err(closed(&format!(
                "the server closed the connection in a chunk, after {total} body bytes"
            )));
        }
        match read_line(r, &mut line, 2, "end of chunk") {
            Ok(()) if line == b"\r\n" || line == b"\n" => {}
            Err(e) if e.kind() != io::ErrorKind::InvalidData => return Err(e),
            _ => return Err(malformed(format!("chunk of {size} bytes not followed by CRLF"))),
        }
    }
    // Trailer fields, up to the blank line. They are metadata about the
    // body, not part of it; like most clients, we read and drop them.
    let mut trailers = 0;
    loop {
        read_line(r, &mut line, HEADER_LIMIT - trailers, "trailer section")?;
        trailers += line.len();
        if line == b"\r\n" || line == b"\n" {
            return Ok(total);
        }
    }
}

/// Reads one line of at most `limit` bytes, newline included.
fn read_line(r: &mut impl BufRead, line: &mut Vec<u8>, limit: usize, what: &str) -> io::Result<()> {
    line.clear();
    r.take(limit as u64).read_until(b'\n', line)?;
    if line.ends_with(b"\n") {
        Ok(())
    } else if line.len() == limit {
        Err(malformed(format!("{what} longer than {limit} bytes")))
    } else {
        Err(closed(&format!("the server closed the connection in the {what}")))
    }
}

/// `1a2b` or `1a2b;name=value` (extensions are ignored), in hex.
fn chunk_size(line: &[u8]) -> Option<u64> {
    let line = std::str::from_utf8(line).ok()?;
    let size = line.split(';').next()?.trim_matches([' ', '\t', '\r', '\n']);
    if size.is_empty() || size.len() > 16 || !size.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(size, 16).ok()
}

fn parse_length(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn malformed(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

fn closed(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes() {
        assert_eq!(chunk_size(b"1a\r\n"), Some(26));
        assert_eq!(chunk_size(b"FF;name=\"va;lue\"\r\n"), Some(255));
        assert_eq!(chunk_size(b"0\r\n"), Some(0));
        assert_eq!(chunk_size(b"10 \t;ext\r\n"), Some(16));
        assert_eq!(chunk_size(b"ffffffffffffffff\r\n"), Some(u64::MAX));
        for bad in [&b"\r\n"[..], b"-1\r\n", b"0x10\r\n", b"1 0\r\n", b"g\r\n", b"10000000000000000\r\n"] {
            assert_eq!(chunk_size(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    fn head(text: &str) -> Head {
        parse_head(text.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn framing_follows_rfc_9112() {
        use Framing::*;
        let cases = [
            ("HTTP/1.1 200 OK\r\nContent-Length: 5", Length(5)),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5", Length(5)),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5, 5", Length(5)),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5", Chunked),
            ("HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked", Chunked),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip", UntilClose),
            ("HTTP/1.0 200 OK", UntilClose),
            ("HTTP/1.1 204 No Content\r\nContent-Length: 5", Empty),
            ("HTTP/1.1 304 Not Modified", Empty),
        ];
        for (text, framing) in cases {
            assert_eq!(head(text).framing().unwrap(), framing, "{text}");
        }
        for bad in ["Content-Length: 5, 6", "Content-Length: -1", "Content-Length: 5x", "Content-Length:"] {
            assert!(head(&format!("HTTP/1.1 200 OK\r\n{bad}")).framing().is_err(), "{bad}");
        }
    }

    #[test]
    fn status_lines() {
        assert_eq!(head("HTTP/1.0 301 Moved Permanently").reason, "Moved Permanently");
        assert_eq!(head("HTTP/1.1 200").status, 200);
        for bad in ["ICY 200 OK", "HTTP/2 200 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 OK", ""] {
            assert!(parse_head(bad.as_bytes().to_vec()).is_err(), "{bad}");
        }
    }
}
