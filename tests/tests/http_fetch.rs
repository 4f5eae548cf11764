//! http-fetch (article 001's raw-socket GET) against an in-test HTTP server
//! on 127.0.0.1:0 that sends the exact raw bytes of each case: the framings
//! of the body, the strictness RFC 9112 asks of a user agent (each test
//! names the section), hostile peers, and care for the user's files.

use std::fs;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};
use tests::*;
// Unix only: modes, owners, FIFOs, symlinks, /dev/fd.
#[cfg(unix)]
use std::fs::{OpenOptions, Permissions};
#[cfg(unix)]
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
#[cfg(unix)]
use std::os::unix::process::CommandExt;

/// What the in-test server does once it has sent its response.
#[derive(Clone, Copy)]
enum End {
    /// Close the connection: the end of a close-delimited body.
    Close,
    /// Keep it open until the client closes: a client that waited for the
    /// close after a framed body would hang (and hit the deadline).
    Hold,
    /// Reset it (close with the request still unread: the kernel sends RST).
    Reset,
}

/// Serves one connection: reads the request up to its blank line, sends
/// `response`, then ends as `end` says. The request arrives on the channel.
fn serve(response: Vec<u8>, end: End) -> (SocketAddr, Receiver<Vec<u8>>) {
    let (listener, addr) = listen();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut s = accept(&listener);
        let request = match end {
            End::Reset => peek_request(&s),
            End::Close | End::Hold => read_request(&mut s),
        };
        let _ = tx.send(request);
        let _ = s.write_all(&response);
        if let End::Hold = end {
            let _ = s.read_to_end(&mut Vec::new()); // until the client closes (or the deadline)
        }
    });
    (addr, rx)
}

fn read_request(s: &mut TcpStream) -> Vec<u8> {
    let mut request = Vec::new();
    let mut byte = [0];
    while !request.ends_with(b"\r\n\r\n") && request.len() < 64 * 1024 {
        match s.read(&mut byte) {
            Ok(1) => request.push(byte[0]),
            _ => break,
        }
    }
    request
}

/// The request, left unread in the socket.
fn peek_request(s: &TcpStream) -> Vec<u8> {
    let mut buf = [0; 4096];
    loop {
        let n = s.peek(&mut buf).unwrap_or(0);
        if n == 0 || buf[..n].ends_with(b"\r\n\r\n") {
            return buf[..n].to_vec();
        }
        thread::yield_now();
    }
}

fn expected_request(addr: SocketAddr, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
}

/// A fresh, empty folder for OUT, removed at the end of the test.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Folder {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("http-fetch-test-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("create a temporary folder");
        Folder(path)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The names of the files in the folder.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .expect("read the folder")
            .map(|e| {
                e.expect("folder entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fetch(url: &str, out: &Path) -> Exit {
    run_with_input("http-fetch", &[url, &out.to_string_lossy()], "")
}

/// Runs http-fetch with `args` in the folder `dir` (where a file named from
/// the URL is saved: never the repository).
fn run_in(dir: &Path, args: &[&str]) -> Exit {
    let mut cmd = Command::new(program("http-fetch"));
    cmd.args(args).current_dir(dir).stdout(Stdio::piped());
    finish(&mut cmd, args)
}

/// [`run_in`] as the user `uid`. Another user may not reach the build
/// folder (a checkout under a private folder): that user runs a copy in a
/// folder anyone may read.
#[cfg(unix)]
fn run_as(dir: &Path, args: &[&str], uid: u32) -> Exit {
    let bin = Folder::new();
    let exe = bin.file("http-fetch");
    fs::copy(program("http-fetch"), &exe).expect("copy http-fetch");
    fs::set_permissions(&bin.0, Permissions::from_mode(0o755)).unwrap();
    let mut cmd = Command::new(exe);
    cmd.args(args).current_dir(dir).stdout(Stdio::piped());
    cmd.uid(uid).gid(uid);
    finish(&mut cmd, args)
}

/// Runs `cmd` to its end within the deadline, with no input.
fn finish(cmd: &mut Command, args: &[&str]) -> Exit {
    cmd.env("RUST_BACKTRACE", "0").stdin(Stdio::null());
    cmd.stderr(Stdio::piped());
    let deadline = Instant::now() + DEADLINE;
    let child = loop {
        match cmd.spawn() {
            // A copy of the program just written (`run_as`) may still be
            // open for writing in a child another test forked (ETXTBSY).
            Err(e) if e.kind() == ErrorKind::ExecutableFileBusy && Instant::now() < deadline => {
                thread::yield_now();
            }
            other => break other.expect("start http-fetch"),
        }
    };
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(child.wait_with_output()));
    let Ok(output) = rx.recv_timeout(DEADLINE) else {
        #[cfg(unix)]
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        #[cfg(windows)]
        let _ = Command::new("taskkill")
            .args(["/F", "/PID", &pid.to_string()])
            .status();
        panic!("http-fetch {args:?} did not exit within {DEADLINE:?}");
    };
    let output = output.expect("wait for http-fetch");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Exit {
        status: output.status,
        stdout: text(&output.stdout),
        stderr: text(&output.stderr),
    }
}

/// Checks that nobody connected to `listener`: http-fetch refused before
/// fetching anything. (Its connect would have completed before it exited.)
fn assert_no_connection(listener: &TcpListener) {
    listener
        .set_nonblocking(true)
        .expect("nonblocking listener");
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("http-fetch connected although it should have refused first: {other:?}"),
    }
}

/// Fetches `path` from a server that answers `response` and ends as `end`
/// says; checks the request bytes and returns the exit and the saved body.
fn fetch_from(response: &[u8], end: End, path: &str) -> (Exit, Option<Vec<u8>>) {
    let (addr, request) = serve(response.to_vec(), end);
    let folder = Folder::new();
    let out = folder.file("page.html");
    let exit = fetch(&format!("http://{addr}{path}"), &out);
    let request = request
        .recv_timeout(DEADLINE)
        .expect("the server got a request");
    assert_eq!(
        String::from_utf8_lossy(&request),
        expected_request(addr, path)
    );
    assert!(
        folder.names().len() <= 1,
        "files left behind: {:?}",
        folder.names()
    );
    (exit, fs::read(&out).ok())
}

fn every_byte(times: usize) -> Vec<u8> {
    (0..=255u8).cycle().take(256 * times).collect()
}

#[test]
fn http_fetch_saves_a_content_length_body_byte_for_byte_and_prints_the_header() {
    let body = every_byte(1000); // 256,000 bytes, every value, several reads
    let header = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}",
        body.len()
    );
    let response = [format!("{header}\r\n\r\n").as_bytes(), &body].concat();
    let (exit, saved) = fetch_from(&response, End::Hold, "/page.bin?x=1");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, format!("{header}\n")); // print(header.decode('utf-8'))
    assert!(
        exit.stderr
            .starts_with("http-fetch: saved 256000 bytes to ")
            && exit.stderr.ends_with("page.html\n")
    );
    assert!(saved.as_deref() == Some(&body[..]), "body differs");
}

#[test]
fn http_fetch_decodes_a_chunked_body_with_extensions_and_trailers() {
    let body = every_byte(3);
    let mut response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    response.extend_from_slice(b"1A;name=value;quoted=\"a;b\"\r\n");
    response.extend_from_slice(&body[..26]);
    response.extend_from_slice(b"\r\n2e6 \r\n");
    response.extend_from_slice(&body[26..]);
    response.extend_from_slice(b"\r\n0;last\r\nX-Checksum: 42\r\nX-Other: yes\r\n\r\n");
    let (exit, saved) = fetch_from(&response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\n"
    );
    assert!(
        saved.as_deref() == Some(&body[..]),
        "body differs: {saved:?}"
    );
}

#[test]
fn http_fetch_reads_a_body_without_length_until_the_server_closes() {
    let body = every_byte(40);
    let response = [
        &b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"[..],
        &body,
    ]
    .concat();
    let (exit, saved) = fetch_from(&response, End::Close, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert!(saved.as_deref() == Some(&body[..]), "body differs");
}

#[test]
fn http_fetch_takes_an_http_1_0_response() {
    let response = b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\n<html>\xe6\x96\xb0\xe6\xb5\xaa</html>\n";
    let (exit, saved) = fetch_from(response, End::Close, "/index.html");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "HTTP/1.0 200 OK\r\nServer: old\n");
    assert_eq!(saved.as_deref(), Some("<html>新浪</html>\n".as_bytes()));
}

/// RFC 9110 15.2: a 1xx is an interim answer and the final one follows.
/// Their number is not limited; their bytes are, with the final header
/// section's, to 64 KiB together. An unrequested 101 is no answer to a GET.
#[test]
fn http_fetch_skips_interim_responses_within_64_kib_of_header() {
    let response = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "HTTP/1.1 100 Continue\nHTTP/1.1 200 OK\r\nContent-Length: 2\n"
    );
    assert_eq!(saved.as_deref(), Some(&b"ok"[..]));

    let nine = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(9);
    let response = [
        &nine[..],
        b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n",
        &response[25..],
    ]
    .concat();
    let (exit, saved) = fetch_from(&response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    let shown =
        "HTTP/1.1 100 Continue\n".repeat(9) + "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\n";
    assert_eq!(
        exit.stdout,
        shown + "HTTP/1.1 200 OK\r\nContent-Length: 2\n"
    );
    assert_eq!(saved.as_deref(), Some(&b"ok"[..]));

    let endless = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(3000); // 75 KB
    assert_fails(&endless, End::Hold, "header section larger than 64 KiB");
    let switching = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello";
    assert_fails(
        switching,
        End::Close,
        "the server answered 101 Switching Protocols",
    );
}

/// Like `curl --fail` and wget: a final status other than 2xx prints its
/// header (for a 3xx, its `Location` shows where the page is) and says
/// what the server answered, saves nothing, leaves an existing OUT as it
/// was, and exits 1.
#[test]
fn http_fetch_shows_where_a_redirect_points_and_saves_nothing() {
    let response =
        b"HTTP/1.1 302 Found\r\nLocation: https://www.sina.com.cn/\r\nContent-Length: 5\r\n\r\nmoved";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(
        exit.stdout,
        "HTTP/1.1 302 Found\r\nLocation: https://www.sina.com.cn/\r\nContent-Length: 5\n"
    );
    assert!(
        exit.stderr.ends_with(": the server answered 302 Found\n"),
        "{exit:?}"
    );
    assert_eq!(exit.code(), 1, "{exit:?}");
    assert_eq!(saved, None);
    assert_fails(response, End::Hold, "the server answered 302 Found");
}

#[test]
fn http_fetch_saves_nothing_for_an_error_status_and_keeps_out() {
    let response = b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
    let (exit, saved) = fetch_from(response, End::Hold, "/missing.html");
    assert_eq!(exit.stdout, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\n");
    assert_eq!((exit.code(), saved), (1, None), "{exit:?}");
    assert_fails(response, End::Hold, "the server answered 404 Not Found");
    assert_fails(
        b"HTTP/1.0 500 Internal Server Error\r\n\r\noops",
        End::Close,
        "answered 500 Internal",
    );
}

/// A transfer that fails: exit 1, one line naming the cause, no OUT left
/// behind, and an OUT that existed before kept as it was.
fn assert_fails(response: &[u8], end: End, cause: &str) {
    for existing in [None, Some(&b"the old page"[..])] {
        let (addr, _request) = serve(response.to_vec(), end);
        let folder = Folder::new();
        let out = folder.file("page.html");
        if let Some(old) = existing {
            fs::write(&out, old).unwrap();
        }
        let exit = fetch(&format!("http://{addr}/"), &out);
        let start = format!("http-fetch: cannot fetch http://{addr}/: ");
        assert_one_line_error(&exit, 1, &start, &[cause]);
        assert_eq!(
            fs::read(&out).ok().as_deref(),
            existing,
            "OUT changed: {exit:?}"
        );
        let left: Vec<String> = folder
            .names()
            .into_iter()
            .filter(|n| n != "page.html")
            .collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

#[test]
fn http_fetch_fails_cleanly_when_the_server_closes_before_content_length() {
    let response = [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"[..],
        &every_byte(100),
    ]
    .concat();
    assert_fails(
        &response,
        End::Close,
        "closed the connection after 25600 of 100000 body bytes",
    );
}

#[test]
fn http_fetch_fails_cleanly_on_a_malformed_chunk() {
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nnot hex\r\n0\r\n\r\n";
    assert_fails(response, End::Hold, "bad chunk size line `zz`");
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello, too long\r\n0\r\n\r\n";
    assert_fails(response, End::Hold, "chunk of 5 bytes not followed by CRLF");
    let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    assert_fails(
        response,
        End::Close,
        "closed the connection in the chunk size line",
    );
}

/// A close inside a chunk whose size is near 2^64: the error counts what
/// arrived; no sum of sizes the server sent can overflow (a panic before).
#[test]
fn http_fetch_fails_cleanly_when_the_server_closes_inside_a_huge_chunk() {
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\nb";
    assert_fails(
        response,
        End::Close,
        "closed the connection after 2 body bytes, inside a chunk",
    );
}

#[test]
fn http_fetch_refuses_a_header_section_over_64_kib() {
    let mut response = b"HTTP/1.1 200 OK\r\n".to_vec();
    while response.len() < 70 * 1024 {
        response.extend_from_slice(
            b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
    }
    assert_fails(&response, End::Hold, "header section larger than 64 KiB");
}

#[test]
fn http_fetch_fails_cleanly_when_the_header_never_ends() {
    assert_fails(
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
        End::Close,
        "closed the connection in the header",
    );
    assert_fails(
        b"",
        End::Close,
        "the server closed the connection in the header section",
    );
    assert_fails(
        b"SSH-2.0-OpenSSH\r\n\r\n",
        End::Close,
        "not an HTTP/1.x status line",
    );
}

#[test]
fn http_fetch_fails_cleanly_on_a_reset() {
    let response = [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"[..],
        &every_byte(10),
    ]
    .concat();
    assert_fails(&response, End::Reset, "reset");
}

/// OUT is checked before the request: a folder that does not exist is
/// said, and nothing is fetched; an empty name is bad usage.
#[test]
fn http_fetch_says_what_is_wrong_with_out_before_fetching() {
    let (listener, addr) = listen();
    let folder = Folder::new();
    let out = folder.file("no-such-folder/page.html");
    let exit = fetch(&format!("http://{addr}/"), &out);
    assert_one_line_error(
        &exit,
        1,
        &format!("http-fetch: cannot write {}: ", out.display()),
        &["does its folder exist?"],
    );
    assert!(folder.names().is_empty());
    let args = [&format!("http://{addr}/"), ""];
    assert_bad_usage(&program("http-fetch"), &args, "bad OUT ``: no file name");
    assert_no_connection(&listener);
}

#[test]
fn http_fetch_refuses_https_because_std_has_no_tls() {
    let folder = Folder::new();
    let exit = fetch("https://www.sina.com.cn/", &folder.file("sina.html"));
    assert_usage_error(
        &exit,
        "http-fetch: cannot fetch https://www.sina.com.cn/",
        &["std has no TLS", "plain HTTP"],
    );
    assert!(folder.names().is_empty());
}

/// A URL without `http://` may hold `://` in its query: a scheme is what
/// comes before the first `://` only when it is one (letters, digits, `+-.`).
#[test]
fn http_fetch_takes_a_url_without_scheme_whose_query_holds_one() {
    let (addr, request) = serve(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        End::Hold,
    );
    let folder = Folder::new();
    let out = folder.file("page.html");
    let exit = fetch(&format!("{addr}/r?u=http://x"), &out);
    assert_eq!(exit.code(), 0, "{exit:?}");
    let request = request
        .recv_timeout(DEADLINE)
        .expect("the server got a request");
    assert_eq!(
        String::from_utf8_lossy(&request),
        expected_request(addr, "/r?u=http://x")
    );
    assert_eq!(fs::read(&out).unwrap(), b"ok");
}

#[test]
fn http_fetch_names_a_host_that_does_not_resolve() {
    let folder = Folder::new();
    let exit = fetch("http://no-such-host.invalid/", &folder.file("sina.html"));
    assert_one_line_error(
        &exit,
        1,
        "http-fetch: cannot resolve no-such-host.invalid:80: ",
        &[],
    );
    assert!(folder.names().is_empty());
}

#[test]
fn http_fetch_says_when_nothing_listens() {
    let addr = unused_addr();
    let folder = Folder::new();
    let exit = fetch(&format!("{addr}/"), &folder.file("sina.html"));
    assert_one_line_error(
        &exit,
        1,
        &format!("http-fetch: cannot connect to {addr}"),
        &["refused", "web server"],
    );
}

#[test]
fn http_fetch_usage() {
    for args in [&["--help"][..], &["127.0.0.1:1/", "-h"]] {
        let parts = [
            "http://www.sina.com.cn/",
            "sina.html",
            "report.pdf",
            "index.html",
        ];
        assert_help(
            &program("http-fetch"),
            args,
            "usage: http-fetch [URL] [OUT]",
            &parts,
        );
    }
    assert_bad_usage(
        &program("http-fetch"),
        &["a", "b", "c"],
        "unexpected argument `c`",
    );
}

// ------------------------------------------------- RFC 9112, read strictly

/// RFC 9112 5.2: a field continued on the next line after a space or tab
/// (obs-fold) is joined with a space, and the response is read on.
#[test]
fn http_fetch_joins_a_folded_header_line() {
    let response =
        b"HTTP/1.1 200 OK\r\nX-Long: part1\r\n\tpart2\r\nContent-Length:\r\n 3\r\n\r\nabcdef";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        exit.stdout,
        "HTTP/1.1 200 OK\r\nX-Long: part1\r\n\tpart2\r\nContent-Length:\r\n 3\n"
    );
    assert_eq!(saved.as_deref(), Some(&b"abc"[..]));
}

/// RFC 9112 2.2: a line starting with whitespace right after the status
/// line is ignored, never used: here it would set the framing.
#[test]
fn http_fetch_ignores_whitespace_before_the_first_header() {
    let response = b"HTTP/1.1 200 OK\r\n Content-Length: 3\r\nServer: x\r\n\r\nabcdef";
    let (exit, saved) = fetch_from(response, End::Close, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(saved.as_deref(), Some(&b"abcdef"[..]));
}

/// Framing a client must not trust: RFC 9112 6.1, Transfer-Encoding in an
/// HTTP/1.0 answer is faulty framing; 5.1, a field name is a token, with no
/// whitespace before its colon (here it would set the framing); 6.3, a
/// Content-Length of 2^64-1 is a length like any other (not "until
/// close"), and one more is none. A 304 is not the page.
#[test]
fn http_fetch_refuses_framing_it_cannot_trust() {
    for (head, cause) in [
        (
            "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked",
            "cannot read transfer coding `chunked`",
        ),
        (
            "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3",
            "transfer coding `chunked`",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length : 3",
            "not a header field `name: value`: `Content-Length : 3`",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding\t: chunked",
            "not a header field",
        ),
        ("HTTP/1.1 200 OK\r\n: 3", "not a header field"),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615",
            "closed the connection after 15 of 18446744073709551615 body bytes",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616",
            "bad or disagreeing Content-Length",
        ),
        (
            "HTTP/1.1 304 Not Modified",
            "the server answered 304 Not Modified",
        ),
        // RFC 9110 5.6.3: the whitespace around a value is spaces and tabs,
        // nothing else: a vertical tab or a no-break space is part of it.
        (
            "HTTP/1.1 200 OK\r\nContent-Length: \x0b5\x0c",
            "bad or disagreeing Content-Length",
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: \u{a0}5",
            "bad or disagreeing Content-Length",
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: \u{85}chunked",
            "cannot read transfer coding `\\u{85}chunked`",
        ),
    ] {
        assert_fails(
            &[head.as_bytes(), b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n"].concat(),
            End::Close,
            cause,
        );
    }
}

/// RFC 9112 4: `HTTP/1.x SP 3DIGIT SP reason`, the code in 100..=599;
/// anything else is no HTTP response.
#[test]
fn http_fetch_refuses_a_malformed_status_line() {
    for status in [
        "HTTP/1.01 200 OK",
        "HTTP/1.0123456789 200 OK",
        "HTTP/1.1 +20 OK",
        "HTTP/1.1 020 Low",
        "HTTP/1.1 600 High",
        "HTTP/1.1  200 OK",
        "HTTP/1.1 2000 OK",
        "HTTP/1.x 200 OK",
        "http/1.1 200 OK",
    ] {
        let response = format!("{status}\r\nContent-Length: 2\r\n\r\nok");
        assert_fails(
            response.as_bytes(),
            End::Hold,
            &format!("not an HTTP/1.x status line: `{status}`"),
        );
    }
}

/// RFC 9110 5.5 and RFC 9112 2.2: a NUL, or a CR that does not end a line,
/// in the status line or a field value makes the response invalid.
#[test]
fn http_fetch_refuses_nul_or_bare_cr_in_the_header() {
    for head in [
        &b"HTTP/1.1 200 O\0K\r\nContent-Length: 2"[..],
        b"HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 2",
        b"HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2",
        b"HTTP/1.1 200 OK\rX-A: b\r\nContent-Length: 2",
    ] {
        assert_fails(
            &[head, b"\r\n\r\nok"].concat(),
            End::Hold,
            "NUL or bare CR in the header section",
        );
    }
}

/// RFC 9112 6.1 and 7: std has no decompressor, so any transfer coding but
/// one final `chunked` is refused, named; RFC 9110 5.6.1: empty list
/// elements are nothing, so `chunked,` is chunked.
#[test]
fn http_fetch_refuses_transfer_codings_other_than_chunked() {
    let chunked = b"5\r\nhello\r\n0\r\n\r\n";
    for (fields, coding) in [
        ("Transfer-Encoding: gzip", "gzip"),
        ("Transfer-Encoding: identityx", "identityx"),
        ("Transfer-Encoding: chunked, identity", "identity"),
        ("Transfer-Encoding: chunked, another", "another"),
        ("Transfer-Encoding: gzip, chunked", "gzip"),
        (
            "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
            "gzip",
        ),
        ("Transfer-Encoding: chunked, chunked", "chunked"),
    ] {
        let response = [
            format!("HTTP/1.1 200 OK\r\n{fields}\r\n\r\n").as_bytes(),
            chunked,
        ]
        .concat();
        assert_fails(
            &response,
            End::Close,
            &format!("cannot read transfer coding `{coding}`"),
        );
    }
    // A Transfer-Encoding with no coding in it is no framing to trust,
    // even beside a Content-Length (RFC 9112 6.1, 6.3).
    for fields in [
        "Transfer-Encoding: ,",
        "Transfer-Encoding:\r\nContent-Length: 5",
    ] {
        let response = format!("HTTP/1.1 200 OK\r\n{fields}\r\n\r\nhello");
        assert_fails(
            response.as_bytes(),
            End::Close,
            "Transfer-Encoding names no coding",
        );
    }
    for fields in [
        "Transfer-Encoding: chunked,",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: ",
        "Transfer-Encoding: , Chunked",
    ] {
        let response = [
            format!("HTTP/1.1 200 OK\r\n{fields}\r\n\r\n").as_bytes(),
            chunked,
        ]
        .concat();
        let (exit, saved) = fetch_from(&response, End::Hold, "/");
        assert_eq!(exit.code(), 0, "{fields}: {exit:?}");
        assert_eq!(saved.as_deref(), Some(&b"hello"[..]), "{fields}");
    }
}

/// RFC 9112 7.1: many small chunks, across the reader's and the writer's
/// buffers, make exactly the body.
/// RFC 9112 7.1: chunk-size is 1*HEXDIG, so leading zeros are allowed,
/// however many.
#[test]
fn http_fetch_takes_chunk_sizes_with_leading_zeros() {
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000000005\r\nhello\r\n000\r\n\r\n";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(
        (exit.code(), saved.as_deref()),
        (0, Some(&b"hello"[..])),
        "{exit:?}"
    );
}

/// RFC 9112 7.1.1: a chunk extension the client does not know is ignored,
/// whatever bytes its quoted value holds (obs-text, not UTF-8).
#[test]
fn http_fetch_ignores_a_chunk_extension_that_is_not_utf8() {
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\"\xff\"\r\nhello\r\n0\r\n\r\n";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(saved.as_deref(), Some(&b"hello"[..]));
}

#[test]
fn http_fetch_decodes_many_small_chunks() {
    let body = every_byte(2400); // 614,400 bytes: more than two write buffers
    let mut response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let (mut at, mut size) = (0, 1);
    while at < body.len() {
        let end = (at + size).min(body.len());
        response.extend_from_slice(format!("{:x}\r\n", end - at).as_bytes());
        response.extend_from_slice(&body[at..end]);
        response.extend_from_slice(b"\r\n");
        (at, size) = (end, size % 1000 + 7);
    }
    response.extend_from_slice(b"0\r\n\r\n");
    let (exit, saved) = fetch_from(&response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert!(saved.as_deref() == Some(&body[..]), "body differs");
}

// ------------------------------------------------- hostile peers, careless users

/// A peer's bytes never reach the terminal raw: header lines on stdout, the
/// reason phrase on stderr, control characters escaped. The
/// line breaks of the header section are ours to print.
#[test]
fn http_fetch_shows_escape_sequences_escaped() {
    let esc = String::from_utf8_lossy(ESCAPES);
    let cases = [
        (
            format!("HTTP/1.1 200 OK\r\nX-Evil: {esc}\r\nContent-Length: 2"),
            0,
            String::new(),
        ),
        (
            format!("HTTP/1.1 404 Gone{esc}\r\nContent-Length: 2"),
            1,
            format!("answered 404 Gone{ESCAPES_SHOWN}\n"),
        ),
        (
            format!("HTTP/1.1 301 Moved\r\nLocation: http://x/{esc}\r\nContent-Length: 2"),
            1,
            "answered 301 Moved\n".to_string(),
        ),
    ];
    for (head, code, stderr_end) in cases {
        let (exit, _) = fetch_from(format!("{head}\r\n\r\nok").as_bytes(), End::Hold, "/");
        assert_eq!(exit.code(), code, "{exit:?}");
        assert_eq!(exit.stdout, head.replace(&*esc, ESCAPES_SHOWN) + "\n");
        assert!(exit.stderr.ends_with(&stderr_end), "{exit:?}");
        assert!(
            !exit.stderr.contains('\x1b') && !exit.stdout.contains('\x1b'),
            "{exit:?}"
        );
    }
}

/// Bad usage is said, with the usage, exit 2, and nothing is looked up or
/// fetched: an option, a malformed URL (one message for every kind of
/// mistake: two ports, a signed port, port 0, a typo of the scheme), OUT
/// that names a folder; the first mistake in argument order is the one said.
#[test]
fn http_fetch_refuses_bad_arguments_before_any_lookup() {
    let (listener, addr) = listen();
    let http_fetch = program("http-fetch");
    let bad_url = |url: &str| format!("bad URL `{url}`: expected http://HOST[:PORT][/PATH]");
    for (args, why) in [
        (
            vec!["--bogus".to_string()],
            "unknown option `--bogus`".to_string(),
        ),
        (
            vec![format!("http://{addr}/"), "-o".into()],
            "unknown option `-o`".into(),
        ),
        (
            vec![format!("http://{addr}:80/")],
            bad_url(&format!("http://{addr}:80/")),
        ),
        (
            vec![format!("{addr}:+80/")],
            bad_url(&format!("{addr}:+80/")),
        ),
        (
            vec!["http://127.0.0.1:0/".into()],
            bad_url("http://127.0.0.1:0/"),
        ),
        (
            vec![format!("http:/{addr}/")],
            bad_url(&format!("http:/{addr}/")),
        ),
        (
            vec![format!("http//{addr}/")],
            bad_url(&format!("http//{addr}/")),
        ),
        (
            vec![format!("127.0.0.1:+{}", addr.port())],
            bad_url(&format!("127.0.0.1:+{}", addr.port())),
        ),
        (
            vec!["http://:1/".into(), "--bogus".into()],
            bad_url("http://:1/"),
        ),
        (
            vec![format!("http://{addr}/"), "newdir/".into()],
            "bad OUT `newdir/`: no file name".into(),
        ),
    ] {
        assert_bad_usage(&http_fetch, &args, &why);
    }
    assert_no_connection(&listener);
}

/// Arguments that are not UTF-8 are bad usage, said with `\u{FFFD}`.
#[cfg(unix)]
#[test]
fn http_fetch_refuses_arguments_that_are_not_utf8() {
    assert_bad_usage(
        &program("http-fetch"),
        &[not_utf8(b"\xff:0")],
        "argument `\u{FFFD}:0` is not valid UTF-8",
    );
}

/// Issue 19: on Windows `\` ends a folder as `/` does: OUT `newdir\` names
/// no file.
#[cfg(windows)]
#[test]
fn http_fetch_takes_out_ending_in_a_backslash_for_a_folder_on_windows() {
    let (listener, addr) = listen();
    let args = [format!("http://{addr}/"), "newdir\\".to_string()];
    let why = "bad OUT `newdir\\`: no file name";
    assert_bad_usage(&program("http-fetch"), &args, why);
    assert_no_connection(&listener);
}

/// Without OUT the file is named as wget names it, in the current folder:
/// the last segment of the path, `index.html` for `/` and for any name that
/// is hidden, an option, or outside the folder once %-decoded.
#[test]
fn http_fetch_names_the_file_from_the_url_without_out() {
    for (path, name) in [
        ("/docs/report.pdf", "report.pdf"),
        ("/report.pdf?version=2", "report.pdf"),
        ("/%E6%96%B0%E6%B5%AA.html", "新浪.html"),
        ("/", "index.html"),
        ("/docs/", "index.html"),
        ("/..", "index.html"),
        ("/%2e%2e", "index.html"),
        ("/.bashrc", "index.html"),
        ("/-rf", "index.html"),
        ("/a%2F..%2F..%2Fescaped", "index.html"),
        ("/a%5C..%5Cescaped", "index.html"),
        // Issue 19: names Windows takes for a drive, a stream or a device,
        // changes (a trailing dot or space) or refuses, on every OS.
        ("/C:evil.html", "index.html"),
        ("/page.html:stream", "index.html"),
        ("/nul", "index.html"),
        ("/AUX.html", "index.html"),
        ("/Com1.tar.gz", "index.html"),
        ("/lpt9", "index.html"),
        ("/con%20.txt", "index.html"),
        ("/trail.", "index.html"),
        ("/trail%20", "index.html"),
        ("/star*.html", "index.html"),
        ("/a%3Cb%3E.html", "index.html"),
        ("/say%22hi%22", "index.html"),
        ("/a%7Cb", "index.html"),
        ("/what%3F", "index.html"),
        ("/console.html", "console.html"),
        ("/com10.txt", "com10.txt"),
        // Only `%` and two hex digits is an escape: `%+f` is no byte 0x0f.
        ("/a%+f.html", "a%+f.html"),
        ("/100%", "100%"),
    ] {
        let (addr, request) = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\npage".to_vec(),
            End::Hold,
        );
        let parent = Folder::new();
        fs::create_dir(parent.file("cwd")).unwrap();
        let exit = run_in(&parent.file("cwd"), &[&format!("http://{addr}{path}")]);
        assert_eq!(exit.code(), 0, "{path}: {exit:?}");
        assert_eq!(
            exit.stderr,
            format!("http-fetch: saved 4 bytes to {name}\n")
        );
        assert_eq!(
            request.recv_timeout(DEADLINE).unwrap(),
            expected_request(addr, path).into_bytes()
        );
        assert_eq!(
            fs::read(parent.file("cwd").join(name)).ok().as_deref(),
            Some(&b"page"[..]),
            "{path}"
        );
        assert_eq!(
            fs::read_dir(parent.file("cwd")).unwrap().count(),
            1,
            "{path}"
        );
        assert_eq!(parent.names(), ["cwd"], "{path}");
    }
}

// ------------------------------------------------- the user's files

/// OUT that is a FIFO is written through, never replaced by a file.
#[cfg(unix)]
#[test]
fn http_fetch_writes_through_a_fifo() {
    let body = every_byte(300);
    let response = [
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes(),
        &body,
    ]
    .concat();
    let (addr, _request) = serve(response, End::Hold);
    let folder = Folder::new();
    let fifo = folder.file("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success()),
        "mkfifo"
    );
    let (tx, rx) = mpsc::channel();
    let reader = fifo.clone();
    thread::spawn(move || tx.send(fs::read(reader).expect("read the FIFO")));
    let exit = fetch(&format!("http://{addr}/"), &fifo);
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert!(
        rx.recv_timeout(DEADLINE)
            .expect("the FIFO's reader got the body")
            == body,
        "body differs"
    );
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(folder.names(), ["fifo"]);
}

/// OUT that is a symlink is followed: the file it points to gets the body
/// (through a temporary file in that file's folder), the link stays; a link
/// to a device (`/dev/null`) writes to the device.
#[cfg(unix)]
#[test]
fn http_fetch_follows_a_symlink_out() {
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnew page";
    let folder = Folder::new();
    fs::create_dir(folder.file("pages")).unwrap();
    fs::write(folder.file("pages/real.html"), "old page").unwrap();
    symlink("pages/real.html", folder.file("link.html")).unwrap();
    symlink("/dev/null", folder.file("null")).unwrap();
    for (out, target) in [("link.html", "pages/real.html"), ("null", "/dev/null")] {
        let (addr, _request) = serve(response.to_vec(), End::Hold);
        let exit = fetch(&format!("http://{addr}/"), &folder.file(out));
        assert_eq!(exit.code(), 0, "{exit:?}");
        assert_eq!(fs::read_link(folder.file(out)).unwrap(), Path::new(target));
    }
    assert_eq!(
        fs::read(folder.file("pages/real.html")).unwrap(),
        b"new page"
    );
    assert!(
        fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    assert_eq!(folder.names(), ["link.html", "null", "pages"]);
    assert_eq!(fs::read_dir(folder.file("pages")).unwrap().count(), 1);
}

/// A dangling symlink OUT is followed too: the file it names is created and
/// the link stays. A replaced OUT keeps its mode: a private file stays private.
#[cfg(unix)]
#[test]
fn http_fetch_creates_the_target_of_a_dangling_symlink_and_keeps_a_files_mode() {
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnew page";
    let folder = Folder::new();
    fs::create_dir(folder.file("pages")).unwrap();
    symlink("pages/new.html", folder.file("dangling.html")).unwrap();
    let (addr, _request) = serve(response.to_vec(), End::Hold);
    assert_eq!(
        fetch(&format!("http://{addr}/"), &folder.file("dangling.html")).code(),
        0
    );
    assert_eq!(
        fs::read_link(folder.file("dangling.html")).unwrap(),
        Path::new("pages/new.html")
    );
    assert_eq!(
        fs::read(folder.file("pages/new.html")).unwrap(),
        b"new page"
    );
    let private = folder.file("private.html");
    fs::write(&private, "old").unwrap();
    fs::set_permissions(&private, Permissions::from_mode(0o600)).unwrap();
    let (addr, _request) = serve(response.to_vec(), End::Hold);
    assert_eq!(fetch(&format!("http://{addr}/"), &private).code(), 0);
    assert_eq!(fs::read(&private).unwrap(), b"new page");
    assert_eq!(
        fs::metadata(&private).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

/// A chain of symlinks is followed to its end, even when the file there
/// does not exist yet: that file is made, and every link stays a link.
#[cfg(unix)]
#[test]
fn http_fetch_follows_a_chain_of_symlinks_to_a_missing_file() {
    let folder = Folder::new();
    symlink("link2", folder.file("chain1")).unwrap();
    symlink("missing", folder.file("link2")).unwrap();
    let (addr, _request) = serve(
        b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnew page".to_vec(),
        End::Hold,
    );
    let exit = fetch(&format!("http://{addr}/"), &folder.file("chain1"));
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(
        fs::read_link(folder.file("chain1")).unwrap(),
        Path::new("link2")
    );
    assert_eq!(
        fs::read_link(folder.file("link2")).unwrap(),
        Path::new("missing")
    );
    assert_eq!(fs::read(folder.file("missing")).unwrap(), b"new page");
    assert_eq!(folder.names(), ["chain1", "link2", "missing"]);
}

/// `/dev/stdout` is written through, never replaced, even when the shell
/// made it a regular file: the body follows what was already there.
#[cfg(unix)]
#[test]
fn http_fetch_writes_through_dev_stdout_into_a_log_file() {
    let (addr, _request) = serve(
        b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nNEW\n".to_vec(),
        End::Hold,
    );
    let folder = Folder::new();
    fs::write(folder.file("log"), "LINE1\nLINE2\n").unwrap();
    let log = OpenOptions::new()
        .append(true)
        .open(folder.file("log"))
        .unwrap(); // the shell's `>>log`
    let args = [&format!("http://{addr}/"), "/dev/stdout"];
    let exit = finish(
        Command::new(program("http-fetch")).args(args).stdout(log),
        &args,
    );
    assert_eq!(exit.code(), 0, "{exit:?}");
    let log = fs::read_to_string(folder.file("log")).unwrap();
    assert_eq!(
        log,
        "LINE1\nLINE2\nHTTP/1.1 200 OK\r\nContent-Length: 4\nNEW\n"
    );
    assert_eq!(folder.names(), ["log"]);
}

/// A regular file that happens to live under /dev (a tmpfs in /dev/shm) is
/// an OUT like any other: replaced when the body is complete, left as it
/// was when the transfer fails; only the links into /proc/self/fd are
/// written through.
#[cfg(target_os = "linux")]
#[test]
fn http_fetch_replaces_a_regular_file_under_dev_like_any_other() {
    let out = Path::new("/dev/shm").join(format!("http-fetch-test-{}", std::process::id()));
    for (response, code, left) in [
        (
            &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"[..],
            0,
            &b"hello"[..],
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello",
            1,
            b"old page",
        ),
    ] {
        fs::write(&out, "old page").unwrap();
        let (addr, _request) = serve(response.to_vec(), End::Close);
        let exit = fetch(&format!("http://{addr}/"), &out);
        let saved = fs::read(&out);
        let _ = fs::remove_file(&out);
        assert_eq!(exit.code(), code, "{exit:?}");
        assert_eq!(saved.unwrap(), left);
    }
}

/// An OUT the user may not write is refused before anything is fetched (a
/// rename would replace it whatever its mode). The tests usually run as
/// root, whom no mode stops; then http-fetch runs as `nobody` on a file of
/// root's, mode 0644, in a folder anyone may write: the issue's "read-only
/// OUT owned by someone else". As anyone else, the file is made read-only.
#[cfg(unix)]
#[test]
fn http_fetch_refuses_an_out_the_user_may_not_write() {
    let (listener, addr) = listen();
    let folder = Folder::new();
    let out = folder.file("theirs.html");
    fs::write(&out, "their page").unwrap();
    let uid = if fs::metadata(&out).unwrap().uid() == 0 {
        fs::set_permissions(&folder.0, Permissions::from_mode(0o777)).unwrap();
        Some(65534)
    } else {
        fs::set_permissions(&out, Permissions::from_mode(0o444)).unwrap();
        None
    };
    let args = [&format!("http://{addr}/"), "theirs.html"];
    let exit = match uid {
        Some(uid) => run_as(&folder.0, &args, uid),
        None => run_in(&folder.0, &args),
    };
    assert_one_line_error(
        &exit,
        1,
        "http-fetch: cannot write theirs.html: Permission denied",
        &[],
    );
    assert_eq!(fs::read(&out).unwrap(), b"their page");
    assert_eq!(folder.names(), ["theirs.html"]);
    assert_no_connection(&listener);
}

/// A 250-byte OUT name is valid: the temporary name beside it stays within
/// the file system's 255 bytes.
#[test]
fn http_fetch_saves_to_a_250_byte_name() {
    let (addr, _request) = serve(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        End::Hold,
    );
    let folder = Folder::new();
    let name = "a".repeat(245) + ".html";
    let exit = fetch(&format!("http://{addr}/"), &folder.file(&name));
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(fs::read(folder.file(&name)).unwrap(), b"ok");
    assert_eq!(folder.names(), [name]);
}

// ------------------------------------------------- issue 19: every OS, every promise

/// The name from the URL is %-decoded in one pass: the longest argument
/// Linux takes (128 KiB), all of it the last segment of the path, costs
/// no more than a short one. Measured in CPU time (Linux counts it in
/// /proc/PID/stat until the exited child is waited for), which a busy
/// machine does not inflate: one new vector per byte took 0.3 to 0.7 s.
#[cfg(target_os = "linux")]
#[test]
fn http_fetch_decodes_a_long_name_in_one_pass() {
    let addr = unused_addr();
    let url = format!("http://{addr}/{}", "a".repeat(130_000));
    let folder = Folder::new();
    let mut child = Command::new(program("http-fetch"))
        .arg(&url)
        .current_dir(&folder.0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start http-fetch");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text); // until the program exits
        tx.send(text)
    });
    let Ok(said) = rx.recv_timeout(DEADLINE) else {
        let _ = child.kill();
        panic!("http-fetch did not exit within {DEADLINE:?}");
    };
    let stat = fs::read_to_string(format!("/proc/{}/stat", child.id())).unwrap();
    let status = child.wait().expect("wait for http-fetch");
    // After `(comm) `: state is field 3, utime and stime fields 14 and 15,
    // in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat.rsplit_once(") ").unwrap().1.split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    assert_eq!(status.code(), Some(1), "{said}");
    assert!(
        said.starts_with(&format!("http-fetch: cannot connect to {addr}: ")),
        "{said}"
    );
    assert!(ticks < 15, "a 130,000-byte name took {ticks} ticks of CPU");
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

/// A connect that is refused names the IP:PORT the name resolved to:
/// `localhost:P (127.0.0.1:P)`.
#[test]
fn http_fetch_names_the_address_it_tried() {
    let port = unused_addr().port();
    let folder = Folder::new();
    let exit = fetch(&format!("localhost:{port}/"), &folder.file("page.html"));
    let start = format!("http-fetch: cannot connect to localhost:{port} (");
    assert_one_line_error(&exit, 1, &start, &[&format!(":{port}): "), "refused"]);
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

/// A server whose SYNs are dropped does not hold us: the connect gives up
/// after 10 s and says so.
#[cfg(target_os = "linux")]
#[test]
fn http_fetch_gives_up_a_connect_after_10_s() {
    let (_listener, _queued, addr) = silent_addr();
    let folder = Folder::new();
    let out = folder.file("page.html");
    let url = format!("http://{addr}/");
    let proc = Proc::start(&program("http-fetch"), &[&url, &out.to_string_lossy()]);
    let exit = proc.wait_exit_after(Duration::from_secs(10));
    let start = format!("http-fetch: cannot connect to {addr}: ");
    assert_one_line_error(&exit, 1, &start, &["timed out", "no answer within 10 s"]);
    assert!(folder.names().is_empty(), "{:?}", folder.names());
}

/// A server that takes the request and says nothing does not hold us: the
/// read gives up after 10 s, says so, and OUT stays as it was.
#[test]
fn http_fetch_gives_up_on_a_silent_server_after_10_s() {
    let (listener, addr) = listen();
    let folder = Folder::new();
    let out = folder.file("page.html");
    fs::write(&out, "old page").unwrap();
    let url = format!("http://{addr}/");
    let proc = Proc::start(&program("http-fetch"), &[&url, &out.to_string_lossy()]);
    let mut silent = accept(&listener);
    assert_eq!(
        String::from_utf8_lossy(&read_request(&mut silent)),
        expected_request(addr, "/")
    );
    let exit = proc.wait_exit_after(Duration::from_secs(10));
    let start = format!("http-fetch: cannot fetch {url}: ");
    assert_one_line_error(&exit, 1, &start, &["no answer within 10 s"]);
    assert_eq!(fs::read(&out).unwrap(), b"old page");
    assert_eq!(folder.names(), ["page.html"]);
}

/// `/dev/fd/1`, what `/dev/stdout` links to on macOS, a link to it, and a
/// link to `/dev/stdout` (a chain of two links) are written through like
/// `/dev/stdout`: the body follows what the shell's `>>log` already held,
/// and the log is never replaced.
#[cfg(unix)]
#[test]
fn http_fetch_writes_through_dev_fd_1_and_a_link_to_it() {
    let folder = Folder::new();
    symlink("/dev/fd/1", folder.file("out")).unwrap();
    symlink("/dev/stdout", folder.file("mystdout")).unwrap(); // a chain: /dev/stdout is a link too
    for out in [
        "/dev/fd/1".into(),
        folder.file("out"),
        folder.file("mystdout"),
    ] {
        let (addr, _request) = serve(
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nNEW\n".to_vec(),
            End::Hold,
        );
        fs::write(folder.file("log"), "LINE1\n").unwrap();
        let log = OpenOptions::new()
            .append(true)
            .open(folder.file("log"))
            .unwrap();
        let args = [&format!("http://{addr}/"), &*out.to_string_lossy()];
        let exit = finish(
            Command::new(program("http-fetch")).args(args).stdout(log),
            &args,
        );
        assert_eq!(exit.code(), 0, "{out:?}: {exit:?}");
        assert_eq!(
            fs::read_to_string(folder.file("log")).unwrap(),
            "LINE1\nHTTP/1.1 200 OK\r\nContent-Length: 4\nNEW\n",
            "{out:?}"
        );
        assert_eq!(folder.names(), ["log", "mystdout", "out"]);
    }
}

/// Runs http-fetch with `args` and `lib` preloaded.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn run_preloaded(lib: &Path, args: &[&str]) -> Exit {
    let mut cmd = Command::new(program("http-fetch"));
    cmd.args(args).env("LD_PRELOAD", lib).stdout(Stdio::piped());
    finish(&mut cmd, args)
}

/// The mode of a replaced OUT is copied, and checked: where the OS refuses
/// it (here made to: chmod and fchmod fail), the fetch stops before it
/// starts and says so, and OUT stays as it was, with no temporary file.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn http_fetch_stops_when_the_mode_of_out_cannot_be_kept() {
    let calls = [
        "chmod(_: *const u8, _: u32) -> i32",
        "fchmod(_: i32, _: u32) -> i32",
    ];
    const EPERM: i32 = 1;
    let Some(lib) = preload_failing(&calls, EPERM) else {
        return;
    };
    let (listener, addr) = listen();
    let folder = Folder::new();
    let out = folder.file("private.html");
    fs::write(&out, "old page").unwrap();
    let exit = run_preloaded(
        lib.path(),
        &[&format!("http://{addr}/"), &out.to_string_lossy()],
    );
    let start = format!("http-fetch: cannot write {}: ", out.display());
    let parts = ["cannot keep its mode: Operation not permitted"];
    assert_one_line_error(&exit, 1, &start, &parts);
    assert_eq!(fs::read(&out).unwrap(), b"old page");
    assert_eq!(folder.names(), ["private.html"]);
    assert_no_connection(&listener);
}

/// The page is on the disk (fsync) before it is renamed over OUT, so that
/// a crash leaves the old page or the new one, never an empty file. Where
/// that fails (here made to), the fetch fails and OUT stays as it was.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn http_fetch_syncs_the_page_before_it_replaces_out() {
    const EIO: i32 = 5;
    let Some(lib) = preload_failing(&["fsync(_: i32) -> i32"], EIO) else {
        return;
    };
    let (addr, _request) = serve(
        b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nnew page".to_vec(),
        End::Hold,
    );
    let folder = Folder::new();
    let out = folder.file("page.html");
    fs::write(&out, "old page").unwrap();
    let exit = run_preloaded(
        lib.path(),
        &[&format!("http://{addr}/"), &out.to_string_lossy()],
    );
    let start = format!("http-fetch: cannot write {}: ", out.display());
    assert_one_line_error(&exit, 1, &start, &["Input/output error"]);
    assert_eq!(fs::read(&out).unwrap(), b"old page");
    assert_eq!(folder.names(), ["page.html"]);
}

/// print(header) as every client prints: a stdout that cannot be written
/// (`> /dev/full`) ends the fetch with one line, exit 1, and an existing
/// OUT stays as it was, no temporary file left.
#[cfg(target_os = "linux")]
#[test]
fn http_fetch_with_stdout_on_a_full_disk_says_so_and_saves_nothing() {
    let response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (addr, _request) = serve(response.to_vec(), End::Hold);
    let folder = Folder::new();
    let out = folder.file("page.html");
    fs::write(&out, "old page").unwrap();
    let full = OpenOptions::new().write(true).open("/dev/full").unwrap();
    let args = [&*format!("http://{addr}/"), &*out.to_string_lossy()];
    let mut cmd = Command::new(program("http-fetch"));
    cmd.args(args).stdout(full);
    let exit = finish(&mut cmd, &args);
    assert_one_line_error(
        &exit,
        1,
        "http-fetch: cannot use the console (stdin/stdout): ",
        &["No space left on device"],
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "old page");
    assert_eq!(folder.names(), ["page.html"]);
}
