//! http-fetch: the web page fetched over a raw TCP socket in article 001
//! (廖雪峰《TCP编程》, its 客户端 part; Python original `http_get.py`).
//! It connects to port 80, sends a GET request, prints the response header
//! and saves the body, the page itself, to a file.
//!
//! ```text
//! cargo run -p http-fetch                                   # http://www.sina.com.cn/ -> sina.html
//! cargo run -p http-fetch -- 127.0.0.1:8000/index.html /tmp/page.html
//! ```
//!
//! To try it without the internet, serve a folder in a second terminal
//! first: `python3 -m http.server 8000 --bind 127.0.0.1`.
//!
//! Differences from the article:
//! - The argument is a URL, `[http://]HOST[:PORT][/PATH]`, not the
//!   Python's `HOST[:PORT]`: the request asks for its path (`GET /a.html`),
//!   not always `GET /`, and `Host:` carries `:PORT` when it is not 80.
//! - Without OUT, the file is `sina.html` only for the default URL; for
//!   another, as wget names it, the last segment of the URL's path,
//!   %-decoded, or `index.html` when that is empty or no safe name.
//! - Interim `1xx` header sections (`100 Continue`) are printed before the
//!   final one, where the article would print only the first and save the
//!   rest into the html. Header bytes that are not UTF-8 show as `�`
//!   (`decode` would raise), control characters escaped (`\u{1b}`) so that
//!   a server cannot drive the terminal.
//! - `saved N bytes to OUT` and every error go to stderr: stdout holds only
//!   the header. A stdout that cannot be written (`> /dev/full`) ends the
//!   program, exit 1, nothing saved, as in Python; one whose reader has
//!   gone (`| head -1`) does not stop the download.
//! - The body goes to the file as it arrives instead of being gathered in
//!   memory, so a page of any size takes the same little memory; the
//!   header is printed when it has arrived, before the body.
//! - The body ends where HTTP/1.1 says it does (`Content-Length`, chunks,
//!   or the close; `response.rs`), so a chunked page is saved without its
//!   chunk sizes. Only a 2xx answer is saved: a 404 page or a redirect is
//!   not the page asked for.
//! - OUT is opened before anything is fetched, and written under a
//!   temporary name beside it (beside the file at the end of OUT's links),
//!   put in place when complete: a failed transfer leaves no half page,
//!   and an existing OUT as it was. A device, a FIFO or `/dev/stdout` is
//!   written through.
//! - A connect and each read wait at most 10 s. There is no TLS in std, so
//!   `https://` is refused with a clear message; redirects are shown, not
//!   followed.

mod response;

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, ErrorKind, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::{env, process, time::Duration};

const DEFAULT_URL: &str = "http://www.sina.com.cn/";
const USAGE: &str = "usage: http-fetch [URL] [OUT]

Prints the header of URL (default http://www.sina.com.cn/; plain HTTP) and saves a 2xx body to OUT
(default: sina.html for the default URL, else the URL's last path segment, report.pdf, or index.html).";
/// How long we wait for a connect, and for each read: a silent server
/// ends the program instead of holding it for ever.
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    let (addr, path, name) = args();
    // with open(OUTFILE, 'wb') as f: opened first, so that an OUT we may
    // not write is said before anything is fetched.
    let mut out = match open_out(&name) {
        Ok(out) => out,
        Err(e) => quit(1, &format!("http-fetch: {e}")),
    };
    let n = match run(&addr, &path, &mut out) {
        Ok(n) => n,
        Err(e) => fail(&out, e),
    };
    // The end of the `with` block: the page complete, put in place.
    if let Err(e) = finish(&mut out) {
        fail(&out, context("cannot write", &name, e));
    }
    let _ = writeln!(io::stderr(), "http-fetch: saved {n} bytes to {name}");
}

/// The article's program: connect, send, receive the header and print it,
/// receive the body into `out`. `addr` is `HOST:PORT`, `path` the request
/// target (`/`, `/a?b=c`). Returns the length of the body.
fn run(addr: &str, path: &str, out: &mut Out) -> io::Result<u64> {
    // 创建一个socket + 建立连接: socket() + connect() are one call in Rust.
    let mut s = connect(addr)?;
    s.set_read_timeout(Some(TIMEOUT))?;
    s.set_write_timeout(Some(TIMEOUT))?;

    // 发送数据: the article's request, with the path and port of the URL.
    let host = addr.strip_suffix(":80").unwrap_or(addr); // the Host header
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let url = format!("http://{host}{path}"); // what errors name
    s.write_all(request.as_bytes())
        .map_err(|e| context("cannot fetch", &url, e))?;

    // 接收数据, the header first: up to the blank line that ends it (the
    // article's data.split(b'\r\n\r\n', 1)), read through a buffer.
    let mut reader = BufReader::with_capacity(response::BUFFER, &s);
    let head = response::read_head(&mut reader).map_err(|e| context("cannot fetch", &url, e))?;
    // print(header.decode('utf-8')), as soon as it has arrived.
    print(&head.text)?;

    // Then the body, as long as HTTP/1.1 says it is (`response.rs`).
    let framing = head
        .framing()
        .map_err(|e| context("cannot fetch", &url, e))?;
    let mut body = response::Body::new(framing);
    let mut d = vec![0; response::BUFFER];
    loop {
        // 每次最多接收1k字节: here up to 256 KiB, as the reader buffers.
        let n = match body.read(&mut reader, &mut d) {
            Ok(0) => break, // the end of the body
            Ok(n) => n,
            Err(e) => return Err(context("cannot fetch", &url, e)),
        };
        // 把接收的数据写入文件, as it arrives.
        out.file
            .write_all(&d[..n])
            .map_err(|e| context("cannot write", &out.name, e))?;
    }

    // 关闭连接
    drop(s);
    Ok(body.total)
}

// ---- arguments

/// `HOST:PORT`, the request target and OUT from the command line;
/// `--help` and mistakes end here.
fn args() -> (String, String, String) {
    let mut url = None;
    let mut out = None;
    for arg in env::args_os().skip(1) {
        match arg.to_str() {
            Some("-h" | "--help") => quit(0, USAGE),
            None => usage_error(&format!(
                "argument `{}` is not valid UTF-8",
                arg.to_string_lossy()
            )),
            Some(a) if a.starts_with('-') => usage_error(&format!("unknown option `{a}`")),
            Some(a) if url.is_none() => url = Some(url_arg(a)),
            Some(a) if out.is_none() => out = Some(out_arg(a)),
            Some(a) => usage_error(&format!("unexpected argument `{a}`")),
        }
    }
    let (addr, path, name) = url.unwrap_or_else(|| url_arg(DEFAULT_URL));
    (addr, path, out.unwrap_or(name))
}

/// `HOST:PORT`, the request target and the file name of a URL, or bad usage.
fn url_arg(url: &str) -> (String, String, String) {
    match parse_url(url) {
        Ok((addr, path)) => {
            let name = file_name(url, &path);
            (addr, path, name)
        }
        Err(why) => usage_error(&why),
    }
}

/// OUT, if it names a file: not empty, not a folder (`pages/`, and
/// `pages\` on Windows).
fn out_arg(out: &str) -> String {
    let folder = out.ends_with('/') || (cfg!(windows) && out.ends_with('\\'));
    if out.is_empty() || folder {
        usage_error(&format!("bad OUT `{out}`: no file name"));
    }
    out.to_string()
}

/// `http://host:port/path`, `host:port/path`, `host`, `[::1]:8080` to
/// `HOST:PORT` and the request target, or why it cannot be fetched.
fn parse_url(url: &str) -> Result<(String, String), String> {
    // A scheme is letters, digits, `+`, `-`, `.` (RFC 3986 3.1): in
    // `host/r?u=http://x` the `://` is part of the query, not after a scheme.
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) if is_scheme(scheme) => (scheme, rest),
        _ => ("http", url),
    };
    if !scheme.eq_ignore_ascii_case("http") {
        let why = "this program speaks plain HTTP (std has no TLS)";
        return Err(format!("cannot fetch {url}: {why}"));
    }
    let bad = format!("bad URL `{url}`: expected http://HOST[:PORT][/PATH]");
    let rest = rest.split('#').next().unwrap_or_default(); // a fragment is never sent
    // The authority (`host:port`) ends where the path or the query starts.
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port),
        _ => (authority, ""),
    };
    let port = if port.is_empty() { "80" } else { port };
    // Digits only (`+80` would parse, but is no port), 1 to 65535.
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad);
    }
    let port = match port.parse::<u16>() {
        Ok(0) | Err(_) => return Err(bad),
        Ok(port) => port,
    };
    // A name, an IPv4 address, or an IPv6 one in brackets; nothing else.
    let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    let bare = bare.unwrap_or(host);
    let odd = bare.contains(|c: char| c <= ' ' || "/?#[]@\x7f".contains(c));
    // A colon outside brackets, left after the port: `::1`, `h:8000:80`.
    let stray_colon = bare == host && host.contains(':');
    // `http:/x` or `http//x` is a typo of the scheme, not a host named `http`.
    let scheme_typo = bare.eq_ignore_ascii_case("http") || bare.eq_ignore_ascii_case("https");
    if bare.is_empty() || odd || stray_colon || scheme_typo {
        return Err(bad);
    }
    // The request target: `/` first, and every byte that may not appear in
    // a request line (spaces, control characters, non-ASCII) %-encoded.
    let mut target = String::from("/");
    for b in path.strip_prefix('/').unwrap_or(path).bytes() {
        if b > b' ' && b < 0x7f {
            target.push(char::from(b));
        } else {
            target.push_str(&format!("%{b:02X}"));
        }
    }
    Ok((format!("{host}:{port}"), target))
}

/// `http`, `https`, `ftp`: the name of a scheme, not a host or a path.
fn is_scheme(text: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+-.".contains(c);
    !text.is_empty() && text.chars().all(allowed)
}

/// The file name for a URL given without OUT: the article's `sina.html`
/// for its URL; else, as wget picks it, the last segment of the path,
/// %-decoded (`/docs/report.pdf` -> `report.pdf`), or `index.html` when
/// that is no safe name (see `is_safe_name`).
fn file_name(url: &str, path: &str) -> String {
    if url == DEFAULT_URL {
        return "sina.html".to_string();
    }
    let path = path.split('?').next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    let name = String::from_utf8_lossy(&percent_decoded(last)).into_owned();
    if is_safe_name(&name) {
        name
    } else {
        "index.html".to_string()
    }
}

/// `%41` as `A`, in one pass. Only `%` and two hex digits is an escape:
/// `%+f` is three characters.
fn percent_decoded(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let [b'%', high, low, ..] = bytes[i..] {
            let high = char::from(high).to_digit(16);
            let low = char::from(low).to_digit(16);
            if let (Some(high), Some(low)) = (high, low) {
                decoded.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    decoded
}

/// A name that saves a file in this folder, the same on every OS: not
/// empty, hidden or an option (`-rf`), at most 200 bytes; no `/`, `\`,
/// control character or character Windows reserves (`<>:"|?*`; `C:x` is
/// a drive, `a:x` a stream); no trailing dot or space (Windows drops
/// them); no Windows device (`nul`, `Com1.txt`).
fn is_safe_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.trim_end_matches(' ').to_ascii_uppercase();
    // COM and LPT with one digit (Windows takes `¹²³` for digits too).
    let com_or_lpt = stem.starts_with("COM") || stem.starts_with("LPT");
    let digit = stem.get(3..).unwrap_or_default();
    let one_digit = digit.chars().count() == 1 && "0123456789¹²³".contains(digit);
    let device = ["CON", "PRN", "AUX", "NUL"].contains(&stem.as_str()) || (com_or_lpt && one_digit);
    let reserved = name.contains(['/', '\\', '<', '>', ':', '"', '|', '?', '*']);
    let control = name.chars().any(char::is_control);
    let hidden = name.starts_with(['.', '-']) || name.ends_with(['.', ' ']);
    !(name.is_empty() || hidden || reserved || control || device || name.len() > 200)
}

/// Bad usage: what is wrong, a blank line, the usage; exit 2.
fn usage_error(why: &str) -> ! {
    quit(2, &format!("http-fetch: {why}\n\n{USAGE}"))
}

/// Ends the program: `--help` (code 0) on stdout, anything else on stderr.
fn quit(code: i32, text: &str) -> ! {
    if code == 0 {
        let _ = writeln!(io::stdout(), "{text}"); // a closed stdout is no reason to panic
    } else {
        let _ = writeln!(io::stderr(), "{text}");
    }
    process::exit(code)
}

// ---- connect

/// socket() + connect(): each of the name's addresses in the resolver's
/// order, each given TIMEOUT, so a server that drops our SYNs cannot hang us.
fn connect(addr: &str) -> io::Result<TcpStream> {
    let ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let mut last_error = io::Error::new(
        ErrorKind::NotFound,
        format!("{addr}: the name has no address"),
    );
    for ip in ips {
        match TcpStream::connect_timeout(&ip, TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = context("cannot connect to", &at(addr, ip), e),
        }
    }
    Err(last_error)
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:8000 (127.0.0.1:8000)`.
fn at(addr: &str, ip: SocketAddr) -> String {
    if ip.to_string() == addr {
        addr.to_string()
    } else {
        format!("{addr} ({ip})")
    }
}

// ---- errors

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::ConnectionRefused => "; is a web server running there?",
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "; no answer within 10 s",
        ErrorKind::NotFound => "; does its folder exist?",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// print(): one line on stdout. A stdout that fails (a full disk,
/// `> /dev/full`) ends the program; one whose reader has gone (`| head -1`)
/// does not: the line is dropped and the program goes on.
fn print(line: &str) -> io::Result<()> {
    match writeln!(io::stdout(), "{line}") {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// What a peer sent, as a line for the terminal: lossy UTF-8, every
/// control character but tab escaped (`\u{1b}`) so a peer cannot drive the
/// terminal. (Header lines reach it without their CRLF.)
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    let mut shown = String::new();
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

// ---- the file

/// Where the body goes: `file` writes OUT itself (a device, a FIFO,
/// `/dev/stdout`) or `rename`'s temporary file, renamed over the file OUT
/// names when the body is complete.
struct Out {
    name: String,
    file: BufWriter<File>,
    rename: Option<(PathBuf, PathBuf)>,
}

/// Opens where the body goes. An existing OUT must be one the user may
/// write (a rename would ignore its mode): opening it asks the OS exactly
/// that. Any OUT but one written through is replaced (see `beside`).
fn open_out(name: &str) -> io::Result<Out> {
    let out = Path::new(name);
    let file = match OpenOptions::new().append(true).open(out) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return beside(name), // a new file
        Err(e) => return Err(context("cannot write", name, e)),
    };
    if !written_through(out) {
        drop(file); // a file to replace: closed, its new version written beside it
        return beside(name);
    }
    let file = BufWriter::with_capacity(response::BUFFER, file);
    let name = name.to_string();
    let rename = None;
    Ok(Out { name, file, rename })
}

/// A temporary file beside the file OUT names (symlinks are followed: the
/// file at the end of the chain is what gets replaced, or made), with the
/// mode of the one it replaces (a private file stays private), to be
/// renamed over it.
fn beside(name: &str) -> io::Result<Out> {
    let out = Path::new(name);
    let dest = link_targets(out).pop().unwrap_or(out.to_path_buf());
    // Same folder (a rename cannot cross file systems), hidden, unique to
    // this process, and short: a 250-byte OUT name leaves room for it.
    let part = dest.with_file_name(format!(".http-fetch-{}.part", process::id()));
    let file = match OpenOptions::new().write(true).create_new(true).open(&part) {
        Ok(file) => file,
        Err(e) => return Err(context("cannot write", name, e)),
    };
    if let Ok(old) = fs::metadata(&dest) {
        if let Err(e) = file.set_permissions(old.permissions()) {
            let _ = fs::remove_file(&part);
            let why = io::Error::new(e.kind(), format!("cannot keep its mode: {e}"));
            return Err(context("cannot write", name, why));
        }
    }
    let file = BufWriter::with_capacity(response::BUFFER, file);
    let name = name.to_string();
    let rename = Some((part, dest));
    Ok(Out { name, file, rename })
}

/// A device (`/dev/null`), a FIFO, or a descriptor the shell opened,
/// perhaps onto a log file: `/dev/stdout` (a link into /proc/self/fd on
/// Linux, to fd/1 in /dev on macOS), `/dev/fd/1`, `/proc/self/fd/1`, or a
/// chain of links through one of them. Such an OUT is written into
/// (appending, as `>>` would), never replaced.
fn written_through(out: &Path) -> bool {
    let device = match fs::metadata(out) {
        Ok(meta) => !meta.is_file(),
        Err(_) => false,
    };
    let targets = link_targets(out);
    let descriptor = targets.iter().any(|path| is_descriptor(path));
    device || is_descriptor(out) || descriptor
}

/// The paths OUT's chain of symlinks leads to, in order, up to the file at
/// its end (which may not exist yet); none when OUT is no symlink. At most
/// 40 links, as Linux follows: a longer chain fails when OUT is opened.
fn link_targets(out: &Path) -> Vec<PathBuf> {
    let mut targets = Vec::new();
    let mut path = out.to_path_buf();
    for _ in 0..40 {
        match fs::read_link(&path) {
            Ok(to) => path = path.with_file_name(to), // a relative link is from its folder
            Err(_) => break,                          // no link: the end of the chain
        }
        targets.push(path.clone());
    }
    targets
}

/// A path into /proc or /dev/fd: a descriptor the shell opened.
fn is_descriptor(path: &Path) -> bool {
    path.starts_with("/proc") || path.starts_with("/dev/fd")
}

/// Everything written; a temporary file on the disk (so that after a
/// crash OUT is the old page or the new one, never an empty one), then
/// renamed over the file it replaces.
fn finish(out: &mut Out) -> io::Result<()> {
    out.file.flush()?;
    if let Some((part, dest)) = &out.rename {
        out.file.get_ref().sync_all()?;
        fs::rename(part, dest)?;
    }
    Ok(())
}

/// A transfer that failed: its temporary file removed (no half page; an
/// existing OUT stays as it was), the error said, exit 1.
fn fail(out: &Out, e: io::Error) -> ! {
    if let Some((part, _)) = &out.rename {
        let _ = fs::remove_file(part);
    }
    quit(1, &format!("http-fetch: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for (url, addr, path) in [
            ("http://www.sina.com.cn/", "www.sina.com.cn:80", "/"),
            ("www.sina.com.cn", "www.sina.com.cn:80", "/"),
            ("HTTP://Example.com:80", "Example.com:80", "/"),
            ("127.0.0.1:8000/a/b?c=d#top", "127.0.0.1:8000", "/a/b?c=d"),
            ("localhost?q=1", "localhost:80", "/?q=1"),
            ("localhost:/x", "localhost:80", "/x"),
            ("http://[::1]:8080/x", "[::1]:8080", "/x"),
            ("http://[::1]/", "[::1]:80", "/"),
            ("h:/a b/é", "h:80", "/a%20b/%C3%A9"),
            ("h:1/r?u=http://x", "h:1", "/r?u=http://x"),
        ] {
            assert_eq!(
                parse_url(url),
                Ok((addr.to_string(), path.to_string())),
                "{url}"
            );
        }
    }

    #[test]
    fn urls_refused() {
        for (url, why) in [
            ("https://www.sina.com.cn/", "std has no TLS"),
            ("ftp://host/", "plain HTTP"),
            ("http:///path", "bad URL"),
            ("http://user:pw@host/", "bad URL"),
            ("http://user@host/", "bad URL"),
            ("host:99999", "bad URL"),
            ("host:http", "bad URL"),
            ("host:+80", "bad URL"),
            ("host:0", "bad URL"),
            ("http:/127.0.0.1/", "bad URL"),
            ("http//127.0.0.1/", "bad URL"),
            ("http://127.0.0.1:8000:80/", "bad URL"),
            ("http://[::1/", "bad URL"),
            ("http://[::1]8080/", "bad URL"),
            ("http://::1/", "bad URL"),
            ("ho st/", "bad URL"),
        ] {
            match parse_url(url) {
                Ok(_) => panic!("{url} accepted"),
                Err(e) => assert!(e.contains(why), "{url}: {e}"),
            }
        }
    }

    /// Issue 15: a name like wget's, never one outside the folder;
    /// issue 19: never one Windows takes for something else.
    #[test]
    fn file_names_from_the_url() {
        let name = |url: &str| file_name(url, &parse_url(url).unwrap().1);
        for (url, name_) in [
            (DEFAULT_URL, "sina.html"),
            ("http://www.sina.com.cn/news/", "index.html"),
            ("127.0.0.1:8000/report.pdf", "report.pdf"),
            ("127.0.0.1:8000/docs/report.pdf?x=1/y#z", "report.pdf"),
            ("127.0.0.1:8000/my%20file.txt", "my file.txt"),
            ("127.0.0.1:8000/a%+f.txt", "a%+f.txt"),
            ("127.0.0.1:8000/100%", "100%"),
            ("127.0.0.1:8000/console.html", "console.html"),
            ("127.0.0.1:8000/com10.txt", "com10.txt"),
            ("127.0.0.1:8000/docs/", "index.html"),
            ("127.0.0.1:8000", "index.html"),
            ("127.0.0.1:8000/..", "index.html"),
            ("127.0.0.1:8000/%2e%2e", "index.html"),
            ("127.0.0.1:8000/.bashrc", "index.html"),
            ("127.0.0.1:8000/-rf", "index.html"),
            ("127.0.0.1:8000/a%2F..%2F..%2Fetc%2Fpasswd", "index.html"),
            ("127.0.0.1:8000/a%5Cb", "index.html"),
            ("127.0.0.1:8000/a%00b", "index.html"),
            ("127.0.0.1:8000/C:evil.html", "index.html"),
            ("127.0.0.1:8000/Nul", "index.html"),
            ("127.0.0.1:8000/aux.tar.gz", "index.html"),
            ("127.0.0.1:8000/LPT%C2%B9.txt", "index.html"),
            ("127.0.0.1:8000/con%20.txt", "index.html"),
            ("127.0.0.1:8000/trail.", "index.html"),
            ("127.0.0.1:8000/trail%20", "index.html"),
            ("127.0.0.1:8000/a%3Cb%3E", "index.html"),
            ("127.0.0.1:8000/a%7Cb", "index.html"),
            (
                &*format!("127.0.0.1:8000/{}", "a".repeat(300)),
                "index.html",
            ),
        ] {
            assert_eq!(name(url), name_, "{url}");
        }
    }

    #[test]
    fn shown_text_has_control_characters_escaped() {
        assert_eq!(
            show(b"\x1b]0;pwned\x07\ta\xc2\x9b\xff\x7f"),
            "\\u{1b}]0;pwned\\u{7}\ta\\u{9b}\u{fffd}\\u{7f}"
        );
    }
}
