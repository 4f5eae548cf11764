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
//! The steps are the article's: connect, send, receive, split the header
//! from the body, print the header, save the body. What differs: the body
//! goes to the file as it arrives instead of being gathered in memory, so a
//! page of any size takes the same little memory; the body ends where
//! HTTP/1.1 says it does (`Content-Length`, chunks, or the close), so a
//! chunked page is saved without its chunk sizes; only a 2xx answer is
//! saved (a 404 page or a redirect is not the page asked for). The file is
//! written under a temporary name beside OUT (beside the file a symlink
//! OUT points to) and renamed when complete: a failed transfer leaves no
//! half page, and an existing OUT as it was. A device or FIFO OUT
//! (`/dev/null`) is written directly. There is no TLS in std, so
//! `https://` is refused with a clear message; redirects are shown, not
//! followed.

mod response;

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::{env, path::Path, process, process::ExitCode, time::Duration};

const DEFAULT_URL: &str = "http://www.sina.com.cn/";
/// How long to wait for a connection, and for each read: a silent server
/// ends the program instead of holding it for ever.
const TIMEOUT: Duration = Duration::from_secs(30);
const USAGE: &str = "usage: http-fetch [URL] [OUT]

Prints the header of URL (default http://www.sina.com.cn/; plain HTTP: std has no TLS) and saves a 2xx
body to OUT. Default OUT: sina.html for the default URL, else the URL's last path segment (report.pdf),
or index.html when that is empty, hidden, starts with `-` or leaves the folder.";

/// The article's program: connect, send, receive, split the header from
/// the body, print the header, save the body into `file`.
/// `addr` is `HOST:PORT`, `path` the request target (`/`, `/a?b=c`).
fn fetch(addr: &str, path: &str, file: &mut File) -> io::Result<u64> {
    // 创建一个socket + 建立连接: to the first address of the host that answers.
    let host = addr.strip_suffix(":80").unwrap_or(addr); // the Host header
    let addrs = addr
        .to_socket_addrs()
        .map_err(|e| context(&format!("cannot resolve {host}"), e))?;
    let mut s = Err(io::Error::other("no address"));
    for a in addrs {
        s = s.or_else(|_| TcpStream::connect_timeout(&a, TIMEOUT)); // once connected, the rest are skipped
    }
    let s = s.map_err(|e| context(&format!("cannot connect to {addr}"), e))?;
    s.set_read_timeout(Some(TIMEOUT))?;

    // 发送数据: the article's request, with the path and port of the URL.
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let failed = |e: io::Error| context(&format!("http://{host}{path}"), e);
    (&s).write_all(request.as_bytes()).map_err(failed)?;

    // 接收数据, the header first: up to the blank line that ends it (the
    // article's data.split(b'\r\n\r\n', 1)).
    let mut reader = BufReader::with_capacity(response::BUFFER, &s);
    let head = response::read_head(&mut reader).map_err(failed)?;
    // print(header.decode('utf-8')); a closed stdout does not stop the download.
    let _ = io::stdout().write_all(head.text.as_bytes());

    // 把接收的数据写入文件, as it arrives.
    response::copy_body(&mut reader, &head, file).map_err(failed)
    // 关闭连接: s is closed when it is dropped.
}

fn main() -> ExitCode {
    let (addr, path, out) = args();
    let saved = save(Path::new(&out), |file| fetch(&addr, &path, file));
    let said = saved
        .as_ref()
        .map_or_else(|e| e.to_string(), |n| format!("saved {n} bytes to {out}"));
    let _ = writeln!(io::stderr(), "http-fetch: {said}");
    if saved.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Opens where the body goes before anything is fetched, runs `fetch` into
/// it, and puts it in place. An existing OUT must be one the user may write
/// (a rename would ignore its mode): opening it asks the OS exactly that. A
/// device or FIFO is written directly; any other OUT is written under a
/// temporary name beside the file it names (a symlink is followed: its
/// target is what gets replaced) and renamed over it when complete, so a
/// failed transfer leaves no half file and an existing one as it was.
fn save(out: &Path, fetch: impl FnOnce(&mut File) -> io::Result<u64>) -> io::Result<u64> {
    let cannot = |e: io::Error| context(&format!("cannot write {}", out.display()), e);
    // `/dev/stdout` (a link into /proc/self/fd) may name a regular file the
    // shell opened: write through it too, appending, as `>>` would; never replace it.
    let fd = out.starts_with("/proc") || fs::read_link(out).is_ok_and(|to| to.starts_with("/proc"));
    match OpenOptions::new().append(true).open(out) {
        Ok(mut f) if fd || !out.is_file() => return fetch(&mut f),
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(cannot(e)),
        _ => {}
    }
    // Same folder (a rename cannot cross file systems), hidden, unique to
    // this process, and short: a 250-byte OUT name leaves room for it.
    // A dangling symlink is followed too: the file it names is created.
    let dest =
        fs::canonicalize(out).or_else(|_| fs::read_link(out).map(|to| out.with_file_name(to)));
    let dest = dest.unwrap_or_else(|_| out.into());
    let part = dest.with_file_name(format!(".http-fetch-{}.part", process::id()));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&part)
        .map_err(cannot)?;
    // The new file keeps the mode of the one it replaces (a private file stays private).
    let _ = fs::metadata(&dest).and_then(|old| fs::set_permissions(&part, old.permissions()));
    let saved = fetch(&mut file).and_then(|n| fs::rename(&part, &dest).map_err(cannot).map(|()| n));
    if saved.is_err() {
        let _ = fs::remove_file(&part);
    }
    saved
}

/// `HOST:PORT`, the request target and OUT from the command line; on bad
/// usage, says what is wrong, shows the usage and exits 2 (0 for `--help`).
fn args() -> (String, String, String) {
    let usage = |why: String| -> ! {
        if why.is_empty() {
            let _ = writeln!(io::stdout(), "{USAGE}");
            process::exit(0);
        }
        let _ = writeln!(io::stderr(), "http-fetch: {why}\n\n{USAGE}");
        process::exit(2)
    };
    let mut args = Vec::new();
    for arg in env::args_os().skip(1) {
        match arg.to_str() {
            None => usage(format!(
                "argument `{}` is not valid UTF-8",
                arg.to_string_lossy()
            )),
            Some("-h" | "--help") => usage(String::new()),
            Some(a) if a.starts_with('-') => usage(format!("unknown option `{a}`")),
            Some(a) if args.len() == 2 => usage(format!("unexpected argument `{a}`")),
            Some(a) => args.push(a.to_string()),
        }
    }
    let url = args.first().map_or(DEFAULT_URL, String::as_str);
    let (addr, path) = parse_url(url).unwrap_or_else(|why| usage(why));
    let out = match args.get(1) {
        Some(out) if out.is_empty() || out.ends_with('/') => {
            usage(format!("bad OUT `{out}`: no file name"))
        }
        Some(out) => out.clone(),
        None => file_name(url, &path),
    };
    (addr, path, out)
}

/// `http://host:port/path`, `host:port/path`, `host`, `[::1]:8080` to
/// `HOST:PORT` and the request target, or why it cannot be fetched.
fn parse_url(url: &str) -> Result<(String, String), String> {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    if !scheme.eq_ignore_ascii_case("http") {
        let why = if scheme.eq_ignore_ascii_case("https") {
            "std has no TLS"
        } else {
            "not HTTP"
        };
        return Err(format!(
            "cannot fetch {url}: {why}; this program speaks plain HTTP"
        ));
    }
    let rest = rest.split('#').next().unwrap_or_default(); // a fragment is never sent
    let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let (host, port) = authority
        .rsplit_once(':')
        .filter(|(_, p)| !p.contains(']'))
        .unwrap_or((authority, ""));
    let port = if port.is_empty() { "80" } else { port };
    let number = port
        .parse()
        .ok()
        .filter(|&p| p > 0 && port.bytes().all(|b| b.is_ascii_digit()));
    let port: u16 = number.ok_or(format!("bad port `{port}` in `{url}`"))?;
    // A name, an IPv4 address, or an IPv6 one in brackets; nothing else.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let odd =
        |b: u8| b <= b' ' || b == 0x7f || b"/?#[]@".contains(&b) || (b == b':' && bare == host);
    // `http:/x` or `http//x` is a typo of the scheme, not a host named `http`.
    if bare.is_empty()
        || bare.bytes().any(odd)
        || matches!(&*bare.to_ascii_lowercase(), "http" | "https")
    {
        return Err(format!(
            "bad host `{host}` in `{url}`: expected http://HOST[:PORT][/PATH]"
        ));
    }
    // The request target: `/` first, and every byte that may not appear in
    // a request line (spaces, control characters, non-ASCII) %-encoded.
    let slash = if path.starts_with('/') { "" } else { "/" };
    let esc = |b: u8| {
        if b > b' ' && b < 0x7f {
            (b as char).to_string()
        } else {
            format!("%{b:02X}")
        }
    };
    Ok((
        format!("{host}:{port}"),
        slash.bytes().chain(path.bytes()).map(esc).collect(),
    ))
}

/// The file name for a URL given without OUT: the article's `sina.html`
/// for its URL; else, as wget picks it, the last segment of the path,
/// %-decoded (`/docs/report.pdf` -> `report.pdf`), or `index.html` when
/// that is empty (`/`), hidden, an option, or would name a file outside
/// this folder (`..`, a `/` or `\`).
fn file_name(url: &str, path: &str) -> String {
    if url == DEFAULT_URL {
        return "sina.html".into();
    }
    let last = path
        .split('?')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let (mut name, mut rest) = (Vec::new(), last.as_bytes());
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail
            .get(..2)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        let (byte, skip) = hex.filter(|_| b == b'%').map_or((b, 1), |h| (h, 3));
        (name, rest) = (
            [name, vec![byte]].concat(),
            rest.get(skip..).unwrap_or_default(),
        );
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    let unsafe_name =
        name.contains(['/', '\\']) || name.chars().any(char::is_control) || name.len() > 200;
    if name.is_empty() || name.starts_with(['.', '-']) || unsafe_name {
        "index.html".into()
    } else {
        name
    }
}

/// An error with what was being done, and a hint of a few words chosen by its kind.
fn context(what: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::ConnectionRefused => "; is a web server running there?",
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => "; no answer in 30 s",
        io::ErrorKind::NotFound => "; does its folder exist?",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{what}: {e}{hint}"))
}

/// Text a peer chose, made safe to print: lossy UTF-8, and every control
/// character but tab shown as `\u{1b}`, never written raw to the terminal.
fn display(bytes: &[u8]) -> String {
    let esc = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(bytes).chars().map(esc).collect()
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
            ("http://[::1]:8080/x", "[::1]:8080", "/x"),
            ("http://[::1]/", "[::1]:80", "/"),
            ("h:/a b/é", "h:80", "/a%20b/%C3%A9"),
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
            ("ftp://host/", "not HTTP"),
            ("http:///path", "bad host"),
            ("http://user:pw@host/", "bad port"),
            ("http://user@host/", "bad host"),
            ("host:99999", "bad port"),
            ("host:http", "bad port"),
            ("host:+80", "bad port"),
            ("host:0", "bad port"),
            ("http:/127.0.0.1/", "bad host `http`"),
            ("http//127.0.0.1/", "bad host `http`"),
            ("http://127.0.0.1:8000:80/", "bad host `127.0.0.1:8000`"),
            ("http://[::1/", "bad host"),
            ("http://[::1]8080/", "bad host"),
            ("http://::1/", "bad host"),
            ("ho st/", "bad host"),
        ] {
            match parse_url(url) {
                Ok(_) => panic!("{url} accepted"),
                Err(e) => assert!(e.contains(why), "{url}: {e}"),
            }
        }
    }

    /// Issue 15: a name like wget's, never one outside the folder.
    #[test]
    fn file_names_from_the_url() {
        let name = |url: &str| file_name(url, &parse_url(url).unwrap().1);
        for (url, name_) in [
            (DEFAULT_URL, "sina.html"),
            ("http://www.sina.com.cn/news/", "index.html"),
            ("127.0.0.1:8000/report.pdf", "report.pdf"),
            ("127.0.0.1:8000/docs/report.pdf?x=1/y#z", "report.pdf"),
            ("127.0.0.1:8000/my%20file.txt", "my file.txt"),
            ("127.0.0.1:8000/docs/", "index.html"),
            ("127.0.0.1:8000", "index.html"),
            ("127.0.0.1:8000/..", "index.html"),
            ("127.0.0.1:8000/%2e%2e", "index.html"),
            ("127.0.0.1:8000/.bashrc", "index.html"),
            ("127.0.0.1:8000/-rf", "index.html"),
            ("127.0.0.1:8000/a%2F..%2F..%2Fetc%2Fpasswd", "index.html"),
            ("127.0.0.1:8000/a%5Cb", "index.html"),
            ("127.0.0.1:8000/a%00b", "index.html"),
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
            display(b"\x1b]0;pwned\x07\ta\xc2\x9b\xff\x7f"),
            "\\u{1b}]0;pwned\\u{7}\ta\\u{9b}\u{fffd}\\u{7f}"
        );
    }
}
