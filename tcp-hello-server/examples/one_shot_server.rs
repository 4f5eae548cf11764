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
//! Differences from the article: text is UTF-8, not GBK, because std has no
//! GBK codec (the `encoding_rs` crate has one); the default address is
//! 127.0.0.1:8989, not every interface; the first line printed is the bound
//! address; control characters the client sent are shown escaped
//! (`\u{1b}`); a client that closes without sending, or sends nothing for
//! 10 s, ends the server with one line on stderr, exit 1.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::{env, ffi::OsString, process, time::Duration};

const USAGE: &str = "usage: one_shot_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:8989)";

fn main() {
    let addr = addr();
    // 1. 创建服务端端套接字对象, 2. 绑定端口号, 3. 设置监听:
    // TcpListener::bind is socket() + bind() + listen() in one call.
    //
    // 设置端口号复用 (SO_REUSEADDR): after a server with connections exits,
    // its port lingers in TIME_WAIT for a minute or two, and without
    // SO_REUSEADDR a restarted server cannot bind it. std sets SO_REUSEADDR
    // itself on Unix before bind(), so the article's setsockopt() line needs
    // no counterpart here (std exposes no setsockopt; the socket2 crate does).
    let tcp_server_socket =
        TcpListener::bind(&addr).unwrap_or_else(|e| fail("listen on", &addr, e));
    let bound = tcp_server_socket
        .local_addr()
        .unwrap_or_else(|e| fail("listen on", &addr, e));
    say(format!("Listening on {bound}").as_bytes());

    // 4. 等待接受客户端的连接请求: blocks until a client has connected.
    // The listening socket only accepts; talking goes through the new one.
    let (mut service_client_socket, ip_port) = tcp_server_socket
        .accept()
        .unwrap_or_else(|e| fail("accept on", &addr, e));
    say(format!("客户端的ip地址和端口号: {}", python_tuple(ip_port)).as_bytes());

    // 5. 接收数据, at most 1024 bytes this time; a client gets 10 s to send them.
    let peer = ip_port.to_string();
    let timeout = service_client_socket.set_read_timeout(Some(Duration::from_secs(10)));
    timeout.unwrap_or_else(|e| fail("receive from", &peer, e));
    let mut recv_data = [0; 1024];
    let n = service_client_socket.read(&mut recv_data);
    let n = n.and_then(|n| {
        if n > 0 {
            Ok(n)
        } else {
            Err(ErrorKind::UnexpectedEof.into())
        }
    });
    let recv_data = &recv_data[..n.unwrap_or_else(|e| fail("receive from", &peer, e))];
    // 获取数据的长度
    say(format!("接收数据的长度为: {}", recv_data.len()).as_bytes());
    // 对二进制数据进行解码: UTF-8 where the article says "gbk"; say() escapes control characters.
    say(&["接收客户端的数据为: ".as_bytes(), recv_data].concat());

    // 6. 发送数据: write_all, like sendall(), sends every byte.
    let send_data = "ok, 问题正在处理中...".as_bytes();
    service_client_socket
        .write_all(send_data)
        .unwrap_or_else(|e| fail("send to", &peer, e));

    // 7. 关闭套接字: first the one that served the client, then the listener.
    drop(service_client_socket);
    drop(tcp_server_socket);
}

/// The address as Python prints an address tuple: `('127.0.0.1', 40278)`; IPv6 as its 4-tuple.
fn python_tuple(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!(
            "('{}', {}, {}, {})",
            a.ip(),
            a.port(),
            a.flowinfo(),
            a.scope_id()
        ),
    }
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
        Some(why) => quit(2, &format!("one_shot_server: {why}\n\n{USAGE}")),
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
        ErrorKind::AddrInUse => format!("{e}; address in use: pass another ADDR, e.g. 127.0.0.1:0"),
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "the client sent nothing for 10 s".into(),
        ErrorKind::UnexpectedEof => {
            "the client closed the connection without sending anything".into()
        }
        _ => e.to_string(),
    };
    quit(1, &format!("one_shot_server: cannot {step} {addr}: {why}"))
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
/// terminal. A closed stdout (`| head -1`) is no reason to leave the client unanswered: the line is dropped.
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
