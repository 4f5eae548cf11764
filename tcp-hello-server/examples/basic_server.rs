//! basic_server: the server of article 002's 简单TCP案例
//! (python网络编程与使用TCP协议实现聊天室, "服务端"; Python original
//! `basic_server.py`).
//!
//! It accepts one client, prints the bytes it got as Python prints them
//! (`b'hello'`), answers `Welcome to connect !` and closes. Run it, then the
//! client:
//!
//! ```text
//! cargo run -p tcp-hello-server --example basic_server   # terminal 1
//! cargo run -p tcp-hello-client --example basic_client   # terminal 2
//! ```
//!
//! Differences from the article:
//! - the default address is 127.0.0.1:9000, not every interface (pass
//!   `0.0.0.0:9000` for that);
//! - the article closes the listening socket `s` where its comment says
//!   关闭连接, leaving the connection `fd` to be closed at exit: we close the
//!   connection, then the listener;
//! - `Listening on HOST:PORT` is printed first; a bare PORT (`9000`) is bad
//!   usage, where the Python took `[HOST:]PORT`;
//! - a client that leaves (closes or resets) before its message, or sends
//!   nothing for 10 s, is one line on stderr, and the server accepts the next
//!   one; so is a failed accept. The article serves whoever connects first.

use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str = "usage: basic_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:9000)";
/// How long we wait for the client's message (and for it to take our answer).
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("basic_server: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 创建socket, 绑定套接字, 监听端口: socket() + bind() + listen() are one
    // call in Rust (std's backlog is 128, not the article's 2).
    let s = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    print(&format!("Listening on {}", s.local_addr()?))?;
    print("is listening...")?;
    let mut data = [0; 1024];
    // Not in the article: a client that leaves, or sends nothing for 10 s,
    // before its message (a port scan, `nc` left open) does not use up the
    // one turn. The loop ends with the first client that speaks.
    let (mut fd, peer, n) = loop {
        // 等待客户端连接: `fd` is the connection, `client_addr` the client's
        // address (the Python's `addr`).
        let (mut fd, client_addr) = match s.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client, not the server; the pause keeps
            // an error that persists (no file descriptors left) from spinning.
            Err(e) => {
                warn(&format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        print("connect to client successful")?;
        let peer = client_addr.to_string();
        let left = format!("{peer} left without a word, waiting for the next client");
        // 10 s for its message (macOS refuses this on a client already reset).
        match fd.set_read_timeout(Some(TIMEOUT)) {
            Ok(()) => {}
            Err(_) => {
                warn(&left);
                continue;
            }
        }
        // 接收客户端数据: data = fd.recv(1024), one read of at most 1024 bytes.
        let n = match fd.read(&mut data) {
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
        break (fd, peer, n);
    };
    // print(data) shows Python's repr of the bytes: b'hello'.
    print(&py_bytes(&data[..n]))?;
    // 响应客户端: fd.send(...); write_all, like sendall(), sends every byte (within 10 s).
    fd.set_write_timeout(Some(TIMEOUT))
        .map_err(|e| context("cannot send to", &peer, e))?;
    fd.write_all(b"Welcome to connect !")
        .map_err(|e| context("cannot send to", &peer, e))?;
    // 关闭连接: the connection first (the article closes only `s`), then the listener.
    drop(fd);
    drop(s);
    print("closed")?;
    Ok(())
}

/// Python's repr() of bytes: `b'hi'`, with `\t`, `\n`, `\r`, `\\`, and
/// `\xNN` for every other byte outside printable ASCII (so `b'\x1b[2J'`): a
/// peer cannot drive the terminal. Rust's escape_ascii escapes as Python
/// does, but both quotes; Python escapes only the one it quotes with, and
/// quotes with " when the bytes hold a ' and no ".
fn py_bytes(data: &[u8]) -> String {
    let text = data.escape_ascii().to_string();
    if data.contains(&b'\'') && !data.contains(&b'"') {
        format!("b\"{}\"", text.replace("\\'", "'"))
    } else {
        format!("b'{}'", text.replace("\\\"", "\""))
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
    quit(2, &format!("basic_server: {why}\n\n{USAGE}"))
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
    let _ = writeln!(io::stderr(), "basic_server: {what}");
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
