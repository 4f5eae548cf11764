//! http-fetch: the web page fetched over a raw TCP socket in article 001
//! (廖雪峰《TCP编程》, its 客户端 part; Python original `http_get.py`).
//! It connects to port 80, sends a GET request, prints the response header
//! and saves the body, the page itself, to a file.
//!
//! ```text
//! cargo run -p http-fetch                                   # http://www.sina.com.cn/ -> sina.html
//! cargo run -p http-fetch -- 127.0.0.1:8000/index.html page.html
//! ```
//!
//! To try it without the internet, serve a folder in a second terminal
//! first: `python3 -m http.server 8000 --bind 127.0.0.1`.
//!
//! The steps are the article's: connect, send, receive, split the header
//! from the body, print the header, save the body. Two things differ:
//! the body goes to the file as it arrives instead of being gathered in
//! memory, so a page of any size takes the same little memory; and the body
//! ends where HTTP/1.1 says it does (`Content-Length`, chunks, or the close),
//! so a chunked page is saved without its chunk sizes (the article's version
//! writes them into the html). The file is written beside OUT under a
//! temporary name and renamed when complete: a failed transfer leaves no
//! half page, and an existing OUT as it was. There is no TLS in std, so
//! `https://` is refused with a clear message; redirects are shown, not
//! followed.

mod response;

use std::env;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{self, ExitCode};
use std::time::Duration;

const DEFAULT_URL: &str = "http://www.sina.com.cn/";
const DEFAULT_OUT: &str = "sina.html";
/// How long to wait for a connection, and for each read: a silent server
/// ends the program instead of holding it for ever.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How many interim (1xx) responses may come before the real one.
const MAX_INTERIM: usize = 8;
/// The read buffer: big enough that a fast transfer takes few system calls.
const BUFFER: usize = 64 * 1024;
const USAGE: &str = "usage: http-fetch [URL] [OUT]

Fetches URL with a plain HTTP/1.1 GET, prints the response header and saves
the body to OUT.

  URL  http://HOST[:PORT][/PATH], or HOST[:PORT][/PATH]
       (default http://www.sina.com.cn/; plain HTTP only, std has no TLS)
  OUT  file to save the body to (default sina.html)";

/// Where to connect and what to ask for.
struct Target {
    /// The host name or address to connect to (IPv6 without brackets).
    host: String,
    port: u16,
    /// The request target: `/`, `/a/b?c=d`.
    path: String,
    /// The Host header: the host as written, with the port when not 80.
    host_header: String,
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let (url, out) = match args.as_slice() {
        [flag, ..] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [] => (DEFAULT_URL, DEFAULT_OUT),
        [url] => (url.as_str(), DEFAULT_OUT),
        [url, out] => (url.as_str(), out.as_str()),
        _ => {
            eprintln!("http-fetch: expected [URL] [OUT], got {} arguments\n\n{USAGE}", args.len());
            return ExitCode::from(2);
        }
    };
    let target = match parse_url(url) {
        Ok(target) => target,
        Err(why) => {
            eprintln!("http-fetch: {why}");
            return ExitCode::from(2);
        }
    };
    match fetch(&target, Path::new(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("http-fetch: {e}");
            ExitCode::FAILURE
        }
    }
}

fn fetch(target: &Target, out: &Path) -> io::Result<()> {
    let url = format!("http://{}{}", target.host_header, target.path);
    // 创建一个socket + 建立连接:
    let s = connect(target)?;
    s.set_read_timeout(Some(READ_TIMEOUT))?;

    // 发送数据: the article's request, with the path and port of the URL.
    let request =
        format!("GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", target.path, target.host_header);
    (&s).write_all(request.as_bytes()).map_err(|e| failed(&url, "cannot send the request", e))?;

    // 接收数据, header first: read up to the blank line that ends it (the
    // article's data.split(b'\r\n\r\n', 1)). A 1xx is an interim answer;
    // the real one follows it (a few at most: a server that sends nothing
    // else is not answering).
    let mut reader = BufReader::with_capacity(BUFFER, &s);
    let mut interim = 0;
    let head = loop {
        let head = response::read_head(&mut reader).map_err(|e| failed(&url, "no valid response", e))?;
        // print(header.decode('utf-8'))
        show(&head.text);
        if !(100..200).contains(&head.status) || head.status == 101 {
            break head;
        }
        interim += 1;
        if interim == MAX_INTERIM {
            let e =
                io::Error::new(io::ErrorKind::InvalidData, format!("{MAX_INTERIM} interim 1xx responses"));
            return Err(failed(&url, "no final response", e));
        }
    };
    let framing = head.framing().map_err(|e| failed(&url, "cannot tell where the body ends", e))?;
    if (300..400).contains(&head.status) {
        let location = head.header("Location").unwrap_or("nowhere (no Location header)");
        let tls = if location.starts_with("https:") {
            "; std has no TLS, this program speaks plain HTTP"
        } else {
            ""
        };
        eprintln!(
            "http-fetch: {} {}: the page is at {location} (redirects are not followed{tls})",
            head.status, head.reason
        );
    } else if head.status >= 400 {
        eprintln!("http-fetch: the server answered {} {}; saving its error page", head.status, head.reason);
    }

    // 把接收的数据写入文件, as it arrives, under a temporary name.
    let saved = save(out, |file| response::copy_body(&mut reader, &framing, file))
        .map_err(|e| failed(&url, &format!("{} left as it was", out.display()), e))?;
    eprintln!("http-fetch: saved {saved} bytes to {}", out.display());
    Ok(())
    // 关闭连接: s is closed when it is dropped.
}

/// Resolves the host and connects to the first address that answers.
fn connect(target: &Target) -> io::Result<TcpStream> {
    let Target { host, port, .. } = target;
    let addrs: Vec<SocketAddr> = (host.as_str(), *port)
        .to_socket_addrs()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot resolve {host}: {e}")))?
        .collect();
    let mut last = io::Error::new(io::ErrorKind::NotFound, format!("{host} has no address"));
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => return Ok(s),
            Err(e) => {
                let hint = match e.kind() {
                    io::ErrorKind::ConnectionRefused => {
                        "; connection refused: is a web server running there?"
                    }
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                        "; no answer: wrong port, or a firewall?"
                    }
                    _ => "",
                };
                last =
                    io::Error::new(e.kind(), format!("cannot connect to {host}:{port} ({addr}): {e}{hint}"));
            }
        }
    }
    Err(last)
}

/// Prints the header section; a closed stdout does not stop the download.
fn show(header: &[u8]) {
    let mut stdout = io::stdout().lock();
    let _ = writeln!(stdout, "{}", String::from_utf8_lossy(header)).and_then(|()| stdout.flush());
}

/// Writes the body to a temporary file beside `out`, then renames it over
/// `out`. On any failure the temporary file is removed, and `out` is left
/// as it was. The rename is atomic: a reader of `out` sees the old file or
/// the whole new one. Returns the number of bytes saved.
fn save(out: &Path, body: impl FnOnce(&mut File) -> io::Result<u64>) -> io::Result<u64> {
    let part = part_path(out);
    let mut file = OpenOptions::new().write(true).create_new(true).open(&part).map_err(|e| {
        io::Error::new(e.kind(), format!("cannot create the temporary file {}: {e}", part.display()))
    })?;
    let saved = body(&mut file).and_then(|n| file.flush().map(|()| n));
    drop(file);
    let saved = saved.and_then(|n| {
        fs::rename(&part, out).map(|()| n).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot rename {} to {}: {e}", part.display(), out.display()))
        })
    });
    if saved.is_err() {
        let _ = fs::remove_file(&part);
    }
    saved
}

/// `dir/.name.part-PID`: the same folder (a rename cannot cross file
/// systems), hidden, and unique to this process.
fn part_path(out: &Path) -> PathBuf {
    let name = out.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.part-{}", process::id()))
}

/// An error with the URL it concerns and what it means for the user.
fn failed(url: &str, what: &str, e: io::Error) -> io::Error {
    let cause = match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            format!("the server sent nothing for {} s", READ_TIMEOUT.as_secs())
        }
        _ => e.to_string(),
    };
    io::Error::new(e.kind(), format!("{url}: {cause}; {what}"))
}

/// `http://host:port/path`, `host:port/path`, `host`. Refuses what a plain
/// HTTP client cannot fetch, with the reason.
fn parse_url(url: &str) -> Result<Target, String> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Err(format!(
            "cannot fetch {url}: std has no TLS; this program speaks plain HTTP (try http://{})",
            &url["https://".len()..]
        ));
    }
    let rest = if lower.starts_with("http://") {
        &url["http://".len()..]
    } else if let Some((scheme, _)) = url.split_once("://") {
        return Err(format!("cannot fetch {url}: `{scheme}` is not HTTP; this program speaks plain HTTP"));
    } else {
        url
    };
    let rest = rest.split('#').next().unwrap_or_default(); // a fragment is never sent
    let (authority, path) = rest.find(['/', '?']).map_or((rest, ""), |i| rest.split_at(i));
    if authority.is_empty() {
        return Err(format!("no host in `{url}`: expected http://HOST[:PORT][/PATH]"));
    }
    if authority.contains('@') {
        return Err(format!("cannot fetch {url}: a user name or password in the URL is not supported"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) =
            v6.split_once(']').ok_or_else(|| format!("no `]` after the IPv6 address in `{url}`"))?;
        (host, after)
    } else {
        authority.rsplit_once(':').map_or((authority, ""), |(h, p)| (h, p))
    };
    let port = match port.strip_prefix(':').unwrap_or(port) {
        "" => 80,
        p => p.parse::<u16>().map_err(|_| format!("bad port `{p}` in `{url}`"))?,
    };
    if host.is_empty() || host.bytes().any(|b| b <= b' ' || b == 0x7f || b"/?#[]".contains(&b)) {
        return Err(format!("bad host `{host}` in `{url}`"));
    }
    let written =
        authority.rsplit_once(':').filter(|_| !authority.ends_with(']')).map_or(authority, |(h, _)| h);
    let host_header = if port == 80 { written.to_string() } else { format!("{written}:{port}") };
    Ok(Target { host: host.to_string(), port, path: request_path(path), host_header })
}

/// The request target: `/` when empty, and every byte that may not appear
/// in a request line (spaces, control characters, non-ASCII) %-encoded.
fn request_path(path: &str) -> String {
    let mut target = String::from(if path.starts_with('/') { "" } else { "/" });
    for b in path.bytes() {
        if b <= b' ' || b >= 0x7f {
            target.push_str(&format!("%{b:02X}"));
        } else {
            target.push(b as char);
        }
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(url: &str) -> (String, u16, String, String) {
        let t = parse_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        (t.host, t.port, t.path, t.host_header)
    }

    #[test]
    fn urls() {
        let t = |h: &str, p, path: &str, hh: &str| (h.to_string(), p, path.to_string(), hh.to_string());
        assert_eq!(target("http://www.sina.com.cn/"), t("www.sina.com.cn", 80, "/", "www.sina.com.cn"));
        assert_eq!(target("www.sina.com.cn"), t("www.sina.com.cn", 80, "/", "www.sina.com.cn"));
        assert_eq!(target("HTTP://Example.com:80"), t("Example.com", 80, "/", "Example.com"));
        assert_eq!(target("127.0.0.1:8000/a/b?c=d#top"), t("127.0.0.1", 8000, "/a/b?c=d", "127.0.0.1:8000"));
        assert_eq!(target("localhost?q=1"), t("localhost", 80, "/?q=1", "localhost"));
        assert_eq!(target("http://[::1]:8080/x"), t("::1", 8080, "/x", "[::1]:8080"));
        assert_eq!(target("http://[::1]/"), t("::1", 80, "/", "[::1]"));
        assert_eq!(target("h:/a b/é"), t("h", 80, "/a%20b/%C3%A9", "h"));
    }

    #[test]
    fn urls_refused() {
        for (url, why) in [
            ("https://www.sina.com.cn/", "std has no TLS"),
            ("ftp://host/", "not HTTP"),
            ("http:///path", "no host"),
            ("http://user:pw@host/", "user name"),
            ("host:99999", "bad port"),
            ("host:http", "bad port"),
            ("http://[::1/", "no `]`"),
            ("ho st/", "bad host"),
        ] {
            match parse_url(url) {
                Ok(_) => panic!("{url} accepted"),
                Err(e) => assert!(e.contains(why), "{url}: {e}"),
            }
        }
    }
}
