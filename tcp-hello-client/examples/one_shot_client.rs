//! one_shot_client: the five-step TCP client of article 003
//! (【网络编程】TCP 网络应用程序开发, "TCP 客户端程序开发示例代码"; Python
//! original `gbk_client.py`). Article 002's 简单TCP案例 has its own twin,
//! `basic_client.rs`.
//!
//! It sends one greeting, prints the reply as raw bytes and as text, and
//! closes. Start the server first:
//!
//! ```text
//! cargo run -p tcp-hello-server --example one_shot_server   # terminal 1
//! cargo run -p tcp-hello-client --example one_shot_client   # terminal 2
//! ```
//!
//! Differences from the article:
//! - text is UTF-8, not GBK, because std has no GBK codec (the `encoding_rs`
//!   crate has one);
//! - the server address defaults to 127.0.0.1:8989 instead of the article's
//!   LAN address 192.168.131.62:8080, and can be given as an argument;
//! - the decoded reply is shown with control characters escaped (`\u{1b}`)
//!   and without one trailing newline;
//! - a connect or a reply that takes over 10 s, a server that closes without
//!   answering, or a stdout that cannot be written (a full disk) ends the
//!   client with one line on stderr, exit 1.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::{env, process, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:8989";
const USAGE: &str = "usage: one_shot_client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";
/// How long we wait for a reply that is due (and for a connect).
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("one_shot_client: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 1. 创建客户端套接字对象, 2. 和服务端套接字建立连接:
    // socket() + connect() are one call in Rust.
    let mut tcp_client_socket = connect(addr)?;
    // 代码执行到此,说明连接建立成功

    // 3. 发送数据: UTF-8 bytes where the article encodes "gbk".
    let send_data = "你好服务端,我是客户端小黑!".as_bytes();
    tcp_client_socket
        .write_all(send_data)
        .map_err(|e| context("cannot send to", addr, e))?;

    // 4. 接收数据, at most 1024 bytes this time, like recv(1024).
    tcp_client_socket.set_read_timeout(Some(TIMEOUT))?;
    let mut recv_data = [0; 1024];
    let n = match tcp_client_socket.read(&mut recv_data) {
        Ok(0) => return Err(closed_early(addr)), // Python's b'': the server closed
        Ok(n) => n,
        Err(e) => return Err(context("cannot receive from", addr, e)),
    };
    let recv_data = &recv_data[..n];
    // 返回的直接是服务端程序发送的二进制数据: printed like Python's b'...';
    // escape_ascii() writes no control character.
    print(&format!("b'{}'", recv_data.escape_ascii()))?;
    // 对数据进行解码: UTF-8 where the article says "gbk".
    print(&format!("接收服务端的数据为: {}", show(recv_data)))?;

    // 5. 关闭客户端套接字
    drop(tcp_client_socket);
    Ok(())
}

/// ADDR from the command line, or the article's; `--help` and mistakes end here.
fn addr_arg(default: &str) -> String {
    let mut addr = None;
    for arg in env::args_os().skip(1) {
        match arg.to_str() {
            Some("-h" | "--help") => quit(0, USAGE),
            None => usage_error(&format!(
                "argument `{}` is not valid UTF-8",
                arg.to_string_lossy()
            )),
            Some(a) if a.starts_with('-') => usage_error(&format!("unknown option `{a}`")),
            Some(a) if addr.is_some() => usage_error(&format!("unexpected argument `{a}`")),
            Some(a) if !is_host_port(a) => usage_error(&format!(
                "bad ADDR `{a}`: expected HOST:PORT, e.g. 127.0.0.1:9999"
            )),
            Some(a) => addr = Some(a.to_string()),
        }
    }
    addr.unwrap_or_else(|| default.to_string())
}

/// HOST:PORT with a host, and a port of digits only (`+80` is no port) up to 65535.
fn is_host_port(a: &str) -> bool {
    let Some((host, port)) = a.rsplit_once(':') else {
        return false;
    };
    !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok()
}

/// Bad usage: what is wrong, a blank line, the usage; exit 2.
fn usage_error(why: &str) -> ! {
    quit(2, &format!("one_shot_client: {why}\n\n{USAGE}"))
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

/// socket() + connect(): each of the name's addresses in the resolver's
/// order, each given TIMEOUT, so a server that drops our SYNs cannot hang us.
fn connect(addr: &str) -> io::Result<TcpStream> {
    let ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let mut last_error = io::Error::new(ErrorKind::NotFound, format!("{addr}: no address"));
    for ip in ips {
        match TcpStream::connect_timeout(&ip, TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = context("cannot connect to", &at(addr, ip), e),
        }
    }
    Err(last_error)
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:8989 (127.0.0.1:8989)`.
fn at(addr: &str, ip: SocketAddr) -> String {
    if ip.to_string() == addr {
        addr.to_string()
    } else {
        format!("{addr} ({ip})")
    }
}

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::ConnectionRefused => {
            "; is the server running? start it with `cargo run -p tcp-hello-server --example one_shot_server`"
        }
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "; no answer within 10 s",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// Python's b'' where the answer is due: the server closed without one.
fn closed_early(addr: &str) -> io::Error {
    let why = format!("cannot receive from {addr}: the server closed without answering");
    io::Error::new(ErrorKind::UnexpectedEof, why)
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

/// What a peer sent, as a line for the terminal: lossy UTF-8, one trailing
/// newline dropped, every control character but tab escaped (`\u{1b}`) so a
/// peer cannot drive the terminal.
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_newline(data));
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

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
