//! basic_client: the client of article 002's 简单TCP案例
//! (python网络编程与使用TCP协议实现聊天室, "客户端"; Python original
//! `basic_client.py`).
//!
//! It connects, sends `hello`, prints the server's answer and closes.
//! Start the server first:
//!
//! ```text
//! cargo run -p tcp-hello-server --example basic_server   # terminal 1
//! cargo run -p tcp-hello-client --example basic_client   # terminal 2
//! ```
//!
//! Differences from the article: the address can be given as an argument;
//! control characters in the answer are shown escaped (`\u{1b}`), so a
//! server cannot drive the terminal; a server that closes without answering,
//! or says nothing for 10 s, ends the client with one line on stderr, exit 1.

use std::io::{self, ErrorKind, Read, Write};
use std::{env, ffi::OsString, net::TcpStream, process, time::Duration};

const USAGE: &str = "usage: basic_client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:9000)";

fn main() {
    let (addr, mut data) = (addr(), [0; 1024]);
    // 创建socket, 建立连接: TcpStream::connect is socket() + connect() in one call.
    let mut s = TcpStream::connect(&addr).unwrap_or_else(|e| fail("connect to", &addr, e));
    // 发送数据
    s.write_all("hello".as_bytes())
        .unwrap_or_else(|e| fail("send to", &addr, e));
    say(b"connect to server successful");
    // 接收响应数据: one read of at most 1024 bytes, like recv(1024), given 10 s.
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| fail("receive from", &addr, e));
    let n = s.read(&mut data).and_then(|n| {
        if n > 0 {
            Ok(n)
        } else {
            Err(ErrorKind::UnexpectedEof.into())
        }
    });
    say(&data[..n.unwrap_or_else(|e| fail("receive from", &addr, e))]);
    // 关闭连接
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
        Some(why) => quit(2, &format!("basic_client: {why}\n\n{USAGE}")),
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
        ErrorKind::ConnectionRefused => {
            format!("{e}; is the server running? start basic_server first")
        }
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "no answer within 10 s; is it a basic_server?".into()
        }
        ErrorKind::UnexpectedEof => "the server closed the connection without answering".into(),
        _ => e.to_string(),
    };
    quit(1, &format!("basic_client: cannot {step} {addr}: {why}"))
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

/// Prints a line, lossy UTF-8 with control characters escaped (`\u{1b}`) so that a peer cannot drive the
/// terminal. A closed stdout (`| head -1`) is no reason to stop: the line is dropped.
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
