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
//! Differences from the article: the default address is 127.0.0.1:9000, not
//! every interface (pass `0.0.0.0:9000` for that); the first line printed is
//! the bound address; the article closes the listening socket `s` where its
//! comment says 关闭连接, leaving the connection `fd` to be closed at exit: we
//! close the connection, then the listener; a client that closes without
//! sending, or sends nothing for 10 s, ends the server with one line on
//! stderr, exit 1.

use std::io::{self, ErrorKind, Read, Write};
use std::{env, ffi::OsString, net::TcpListener, process, time::Duration};

const USAGE: &str = "usage: basic_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:9000)";

fn main() {
    let (addr, mut data) = (addr(), [0; 1024]);
    // 创建socket, 绑定套接字, 监听端口: TcpListener::bind is socket() + bind() + listen() in one call.
    let s = TcpListener::bind(&addr).unwrap_or_else(|e| fail("listen on", &addr, e));
    say(format!(
        "Listening on {}",
        s.local_addr()
            .unwrap_or_else(|e| fail("listen on", &addr, e))
    )
    .as_bytes());
    say(b"is listening...");
    // 等待客户端连接: blocks until a client has connected; `fd` is the connection, `peer` its address.
    let (mut fd, peer) = s.accept().unwrap_or_else(|e| fail("accept on", &addr, e));
    say(b"connect to client successful");
    // 接收客户端数据: one read of at most 1024 bytes, like recv(1024), given 10 s.
    let peer = peer.to_string();
    fd.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| fail("receive from", &peer, e));
    let n = fd.read(&mut data).and_then(|n| {
        if n > 0 {
            Ok(n)
        } else {
            Err(ErrorKind::UnexpectedEof.into())
        }
    });
    // print(data) shows Python's repr of the bytes: b'hello'. escape_ascii() writes no control character.
    say(format!(
        "b'{}'",
        data[..n.unwrap_or_else(|e| fail("receive from", &peer, e))].escape_ascii()
    )
    .as_bytes());
    // 响应客户端: write_all, like sendall(), sends every byte.
    fd.write_all("Welcome to connect !".as_bytes())
        .unwrap_or_else(|e| fail("send to", &peer, e));
    // 关闭连接: the connection first (the article closes only `s`), then the listener.
    drop(fd);
    drop(s);
    say(b"closed");
}

/// ADDR from the command line; `--help` and usage errors end the program here.
fn addr() -> String {
    // bad_arg sees every argument, so `--help` anywhere wins; otherwise the first mistake is reported.
    match env::args_os()
        .skip(1)
        .enumerate()
        .filter_map(bad_arg)
        .reduce(|first, _| first)
    {
        Some(why) => quit(2, &format!("basic_server: {why}\n\n{USAGE}")),
        None => env::args_os()
            .nth(1)
            .map_or("127.0.0.1:9000".into(), |a| a.to_string_lossy().into()),
    }
}

/// What is wrong with argument number `i`, if anything; `--help` ends the program here. ADDR is HOST:PORT.
fn bad_arg((i, arg): (usize, OsString)) -> Option<String> {
    let a = arg.to_string_lossy();
    let (host, port) = a.rsplit_once(':').unwrap_or(("", &a));
    // Err(true): a number, but too big for a port.
    match port
        .parse::<u16>()
        .map_err(|e| *e.kind() == std::num::IntErrorKind::PosOverflow)
    {
        _ if a == "-h" || a == "--help" => quit(0, USAGE),
        _ if arg.to_str().is_none() => Some(format!("argument `{a}` is not valid UTF-8")),
        _ if a.starts_with('-') => Some(format!("unknown option `{a}`")),
        _ if i > 0 => Some(format!("unexpected argument `{a}`")),
        Err(true) => Some(format!(
            "bad ADDR `{a}`: port {port} is out of range (0-65535)"
        )),
        Err(_) if a.contains(':') => Some(format!("bad ADDR `{a}`: port `{port}` is not a number")),
        Err(_) => Some(format!("bad ADDR `{a}`: no port: expected HOST:PORT")),
        Ok(_) => host
            .is_empty()
            .then(|| format!("bad ADDR `{a}`: no host: did you mean 127.0.0.1:{port}?")),
    }
}

/// Ends the program on `e`: the step, the address, what happened and a hint chosen by its kind.
fn fail(step: &str, addr: &str, e: io::Error) -> ! {
    let why = match e.kind() {
        ErrorKind::AddrInUse => format!("{e}; address in use: pass another ADDR, e.g. 127.0.0.1:0"),
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "the client sent nothing for 10 s".into(),
        ErrorKind::UnexpectedEof => {
            "the client closed the connection without sending anything".into()
        }
        _ => e.to_string(),
    };
    quit(1, &format!("basic_server: cannot {step} {addr}: {why}"))
}

/// Ends the program with `code`: `--help` prints the usage on stdout, anything else is an error on stderr.
fn quit(code: i32, text: &str) -> ! {
    let _ = if code == 0 {
        writeln!(io::stdout(), "{text}")
    } else {
        writeln!(io::stderr(), "{text}")
    };
    process::exit(code)
}

/// Prints a line, lossy UTF-8 with control characters escaped (`\u{1b}`). A closed stdout (`| head -1`)
/// is no reason to leave the client unanswered: the line is dropped.
fn say(line: &[u8]) {
    let esc = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    let _ = writeln!(
        io::stdout(),
        "{}",
        String::from_utf8_lossy(line)
            .chars()
            .map(esc)
            .collect::<String>()
    );
}
