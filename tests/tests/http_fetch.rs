//! http-fetch (article 001's raw-socket GET) against an in-test HTTP server
//! on 127.0.0.1:0, one framing of the body per test.

use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use tests::*;

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
            .map(|e| e.expect("folder entry").file_name().to_string_lossy().into_owned())
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

/// Fetches `path` from a server that answers `response` and ends as `end`
/// says; checks the request bytes and returns the exit and the saved body.
fn fetch_from(response: &[u8], end: End, path: &str) -> (Exit, Option<Vec<u8>>) {
    let (addr, request) = serve(response.to_vec(), end);
    let folder = Folder::new();
    let out = folder.file("page.html");
    let exit = fetch(&format!("http://{addr}{path}"), &out);
    let request = request.recv_timeout(DEADLINE).expect("the server got a request");
    assert_eq!(String::from_utf8_lossy(&request), expected_request(addr, path));
    assert!(folder.names().len() <= 1, "files left behind: {:?}", folder.names());
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
        exit.stderr.starts_with("http-fetch: saved 256000 bytes to ") && exit.stderr.ends_with("page.html\n")
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
    assert_eq!(exit.stdout, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\n");
    assert!(saved.as_deref() == Some(&body[..]), "body differs: {saved:?}");
}

#[test]
fn http_fetch_reads_a_body_without_length_until_the_server_closes() {
    let body = every_byte(40);
    let response = [&b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"[..], &body].concat();
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

#[test]
fn http_fetch_skips_an_interim_100_continue() {
    let response = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert_eq!(exit.stdout, "HTTP/1.1 100 Continue\nHTTP/1.1 200 OK\r\nContent-Length: 2\n");
    assert_eq!(saved.as_deref(), Some(&b"ok"[..]));
    assert_fails(&b"HTTP/1.1 100 Continue\r\n\r\n".repeat(8), End::Hold, "8 interim 1xx responses");
}

#[test]
fn http_fetch_shows_where_a_redirect_points() {
    let response =
        b"HTTP/1.1 302 Found\r\nLocation: https://www.sina.com.cn/\r\nContent-Length: 5\r\n\r\nmoved";
    let (exit, saved) = fetch_from(response, End::Hold, "/");
    assert_eq!(exit.code(), 0, "{exit:?}");
    assert!(exit.stdout.contains("Location: https://www.sina.com.cn/"), "{exit:?}");
    assert!(
        exit.stderr.starts_with("http-fetch: 302 Found: the page is at https://www.sina.com.cn/ (redirects are not followed; std has no TLS"),
        "{exit:?}"
    );
    assert_eq!(saved.as_deref(), Some(&b"moved"[..]));
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
        assert_one_line_error(&exit, 1, &format!("http-fetch: http://{addr}/: "), &[cause]);
        assert_eq!(fs::read(&out).ok().as_deref(), existing, "OUT changed: {exit:?}");
        let left: Vec<String> = folder.names().into_iter().filter(|n| n != "page.html").collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}

#[test]
fn http_fetch_fails_cleanly_when_the_server_closes_before_content_length() {
    let response = [&b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"[..], &every_byte(100)].concat();
    assert_fails(&response, End::Close, "closed the connection after 25600 of 100000 body bytes");
}

#[test]
fn http_fetch_fails_cleanly_on_a_malformed_chunk() {
    let response =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nnot hex\r\n0\r\n\r\n";
    assert_fails(response, End::Hold, "bad chunk size line `zz`");
    let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello, too long\r\n0\r\n\r\n";
    assert_fails(response, End::Hold, "chunk of 5 bytes not followed by CRLF");
    let response = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";
    assert_fails(response, End::Close, "closed the connection in the chunk size line");
}

#[test]
fn http_fetch_refuses_a_header_section_over_64_kib() {
    let mut response = b"HTTP/1.1 200 OK\r\n".to_vec();
    while response.len() < 70 * 1024 {
        response
            .extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    assert_fails(&response, End::Hold, "header section larger than 64 KiB");
}

#[test]
fn http_fetch_fails_cleanly_when_the_header_never_ends() {
    assert_fails(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", End::Close, "in the middle of the header");
    assert_fails(b"", End::Close, "closed the connection without answering");
    assert_fails(b"SSH-2.0-OpenSSH\r\n\r\n", End::Close, "not an HTTP/1.x status line");
}

#[test]
fn http_fetch_fails_cleanly_on_a_reset() {
    let response = [&b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"[..], &every_byte(10)].concat();
    assert_fails(&response, End::Reset, "reset");
}

#[test]
fn http_fetch_says_when_out_cannot_be_written() {
    let (addr, _request) = serve(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".to_vec(), End::Hold);
    let folder = Folder::new();
    let out = folder.file("no-such-folder/page.html");
    let exit = fetch(&format!("http://{addr}/"), &out);
    assert_one_line_error(
        &exit,
        1,
        &format!("http-fetch: http://{addr}/: cannot create the temporary file"),
        &["No such file"],
    );
    assert!(folder.names().is_empty());
}

#[test]
fn http_fetch_refuses_https_because_std_has_no_tls() {
    let folder = Folder::new();
    let exit = fetch("https://www.sina.com.cn/", &folder.file("sina.html"));
    assert_one_line_error(
        &exit,
        2,
        "http-fetch: cannot fetch https://www.sina.com.cn/",
        &["std has no TLS", "plain HTTP"],
    );
    assert!(folder.names().is_empty());
}

#[test]
fn http_fetch_names_a_host_that_does_not_resolve() {
    let folder = Folder::new();
    let exit = fetch("http://no-such-host.invalid/", &folder.file("sina.html"));
    assert_one_line_error(&exit, 1, "http-fetch: cannot resolve no-such-host.invalid: ", &[]);
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
    let exit = run_with_input("http-fetch", &["--help"], "");
    assert_eq!(exit.code(), 0);
    assert!(exit.stdout.contains("http://www.sina.com.cn/") && exit.stdout.contains("sina.html"), "{exit:?}");
    let exit = run_with_input("http-fetch", &["a", "b", "c"], "");
    assert_eq!(exit.code(), 2, "{exit:?}");
    assert!(exit.stderr.starts_with("http-fetch: expected [URL] [OUT], got 3 arguments"), "{exit:?}");
}
