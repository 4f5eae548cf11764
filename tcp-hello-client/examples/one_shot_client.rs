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
//! Differences from the article: text is UTF-8, not GBK, because std has no
//! GBK codec (the `encoding_rs` crate has one); the server address defaults
//! to 127.0.0.1:8989 instead of the article's LAN address 192.168.131.62:8080;
//! control characters in the reply are shown escaped (`\u{1b}`); a server that
//! closes without answering, or says nothing for 10 s, ends the client with
//! one line on stderr, exit 1.

use std::io::{self, ErrorKind, Read, Write};
use std::{env, ffi::OsString, net::TcpStream, process, time::Duration};

const USAGE: &str = "usage: one_shot_client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";

fn main() {
    let addr = addr();
    // 1. 创建客户端套接字对象, 2. 和服务端套接字建立连接:
    // TcpStream::connect is socket() + connect() in one call.
    let mut tcp_client_socket =
        TcpStream::connect(&addr).unwrap_or_else(|e| fail("connect to", &addr, e));
    // 代码执行到此,说明连接建立成功

    // 3. 发送数据: UTF-8 bytes where the article encodes "gbk".
    let send_data = "你好服务端,我是客户端小黑!".as_bytes();
    tcp_client_socket
        .write_all(send_data)
        .unwrap_or_else(|e| fail("send to", &addr, e));

    // 4. 接收数据, at most 1024 bytes this time; the server gets 10 s to answer.
    let timeout = tcp_client_socket.set_read_timeout(Some(Duration::from_secs(10)));
    timeout.unwrap_or_else(|e| fail("receive from", &addr, e));
    let mut recv_data = [0; 1024];
    let n = tcp_client_socket.read(&mut recv_data);
    let n = n.and_then(|n| {
        if n > 0 {
            Ok(n)
        } else {
            Err(ErrorKind::UnexpectedEof.into())
        }
    });
    let recv_data = &recv_data[..n.unwrap_or_else(|e| fail("receive from", &addr, e))];
    // 返回的直接是服务端程序发送的二进制数据: printed like Python's b'...'; escape_ascii() writes no
    // control character.
    say(format!("b'{}'", recv_data.escape_ascii()).as_bytes());
    // 对数据进行解码: say() escapes the control characters the server sent.
    say(&["接收服务端的数据为: ".as_bytes(), recv_data].concat());

    // 5. 关闭客户端套接字
    drop(tcp_client_socket);
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
        Some(why) => quit(2, &format!("one_shot_client: {why}\n\n{USAGE}")),
        None => env::args_os()
            .nth(1)
            .map_or("127.0.0.1:8989".into(), |a| a.to_string_lossy().into()),
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
            format!("{e}; is the server running? start one_shot_server first")
        }
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "no answer within 10 s; is it a one_shot_server?".into()
        }
        ErrorKind::UnexpectedEof => "the server closed the connection without answering".into(),
        _ => e.to_string(),
    };
    quit(1, &format!("one_shot_client: cannot {step} {addr}: {why}"))
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
