//! one_shot_server: the seven-step TCP server of article 003
//! (【网络编程】TCP 网络应用程序开发, "TCP 服务端程序开发示例代码"; Python
//! original `gbk_server.py`). Article 002's 简单TCP案例 has its own twin,
//! `basic_server.rs`.
//!
//! It accepts one client, prints its address and what it sent, answers
//! `ok, 问题正在处理中...` and closes. Run it, then the client:
//!
//! ```text
//! cargo run -p tcp-hello-server --example one_shot_server   # terminal 1
//! cargo run -p tcp-hello-client --example one_shot_client   # terminal 2
//! ```
//!
//! Differences from the article:
//! - text is UTF-8, not GBK, because std has no GBK codec (the `encoding_rs`
//!   crate has one);
//! - the default address is 127.0.0.1:8989, not every interface, and the
//!   first line printed is the bound address, `Listening on HOST:PORT` (on
//!   stdout); a bare PORT (`8989`) is bad usage, where the Python took
//!   `[HOST:]PORT`;
//! - bytes that are not UTF-8 are decoded to replacement characters (the
//!   Python raises UnicodeDecodeError);
//! - the client's text is shown with control characters escaped (`\u{1b}`)
//!   and without one trailing newline;
//! - a client that leaves (closes or resets) before its message, or sends
//!   nothing for 10 s, is one line on stderr, and the server accepts the next
//!   one; so is a failed accept. The article serves whoever connects first.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:8989";
const USAGE: &str = "usage: one_shot_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";
/// How long we wait for the client's message (and for it to take our answer).
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("one_shot_server: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 1. 创建服务端端套接字对象, 2. 绑定端口号, 3. 设置监听:
    // TcpListener::bind is socket() + bind() + listen() in one call.
    //
    // 设置端口号复用 (SO_REUSEADDR): after a server with connections exits,
    // its port lingers in TIME_WAIT for a minute or two, and without
    // SO_REUSEADDR a restarted server cannot bind it. std sets SO_REUSEADDR
    // itself on Unix before bind(), so the article's setsockopt() line needs
    // no counterpart here (std exposes no setsockopt; the socket2 crate does).
    let tcp_server_socket =
        TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    print(&format!("Listening on {}", tcp_server_socket.local_addr()?))?;

    let mut buf = [0; 1024];
    // Not in the article: a client that leaves, or sends nothing for 10 s,
    // before its message (a port scan, `nc` left open) does not use up the
    // one turn. The loop ends with the first client that speaks.
    let (mut service_client_socket, peer, n) = loop {
        // 4. 等待接受客户端的连接请求: blocks until a client has connected.
        // The listening socket only accepts; talking goes through the new one.
        let (mut service_client_socket, ip_port) = match tcp_server_socket.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client, not the server; the pause keeps
            // an error that persists (no file descriptors left) from spinning.
            Err(e) => {
                warn(&format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        print(&format!("客户端的ip地址和端口号: {}", py_addr(ip_port)))?;
        let peer = ip_port.to_string();
        let left = format!("{peer} left without a word, waiting for the next client");
        // 10 s for its message (macOS refuses this on a client already reset).
        match service_client_socket.set_read_timeout(Some(TIMEOUT)) {
            Ok(()) => {}
            Err(_) => {
                warn(&left);
                continue;
            }
        }
        // 5. 接收数据, at most 1024 bytes this time, like recv(1024).
        let n = match service_client_socket.read(&mut buf) {
            Ok(0) => {
                warn(&left); // Python's b'': the client closed
                continue;
            }
            Ok(n) => n,
            // A read timeout is WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                warn(&format!(
                    "{peer} sent nothing for 10 s, waiting for the next client"
                ));
                continue;
            }
            Err(_) => {
                warn(&left); // it reset the connection
                continue;
            }
        };
        break (service_client_socket, peer, n);
    };
    let recv_data = &buf[..n];
    // 获取数据的长度
    print(&format!("接收数据的长度为: {}", recv_data.len()))?;
    // 对二进制数据进行解码: UTF-8 where the article says "gbk".
    print(&format!("接收客户端的数据为: {}", show(recv_data)))?;

    // 6. 发送数据: write_all, like sendall(), sends every byte (within 10 s).
    let send_data = "ok, 问题正在处理中...".as_bytes();
    service_client_socket
        .set_write_timeout(Some(TIMEOUT))
        .map_err(|e| context("cannot send to", &peer, e))?;
    service_client_socket
        .write_all(send_data)
        .map_err(|e| context("cannot send to", &peer, e))?;

    // 7. 关闭套接字: first the one that served the client, then the listener.
    drop(service_client_socket);
    drop(tcp_server_socket);
    Ok(())
}

/// An address as Python prints it: `('127.0.0.1', 40278)`; for IPv6 its
/// 4-tuple, `('::1', 40278, 0, 0)`, with flow info and scope id.
fn py_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => {
            let flow_info = a.flowinfo();
            let scope_id = a.scope_id();
            format!("('{}', {}, {flow_info}, {scope_id})", a.ip(), a.port())
        }
    }
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
    match a.rsplit_once(':') {
        Some((host, port)) => {
            !host.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok()
        }
        None => false,
    }
}

/// Bad usage: what is wrong, a blank line, the usage; exit 2.
fn usage_error(why: &str) -> ! {
    quit(2, &format!("one_shot_server: {why}\n\n{USAGE}"))
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

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. 127.0.0.1:0"
        }
        ErrorKind::PermissionDenied => {
            "; that port may be reserved (below 1024 needs root on Unix): pass another ADDR"
        }
        // A write timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "; the client took nothing for 10 s",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// A line of its own on stderr; the server goes on.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "one_shot_server: {what}");
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
