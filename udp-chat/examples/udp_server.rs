//! udp_server: the UDP server of article 002 (python网络编程与使用TCP协议实现聊天室,
//! its last part, "UDP", 服务器端; Python original `udp_server.py`).
//!
//! It waits for its client's first datagram (`hell0`), answers
//! `send a message to you`, then takes turns: you type a line for the
//! client, it prints the client's answer. Start it first:
//!
//! ```text
//! cargo run -p udp-chat --example udp_server   # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat --example udp_client   # terminal 2
//! ```
//!
//! Differences from the article:
//! - The article's server sends every datagram to its own address
//!   (`('127.0.0.1',9000)`), so it talks to itself and its client waits for
//!   ever; the article admits it ("发送端是本身,接收端也是本省"). This one
//!   replies to its client, the address `hell0` came from.
//! - Datagrams from anyone else are not its client's: they are ignored, and
//!   the first one is said on stderr.
//! - The first line names the address bound; ADDR can be given, as
//!   HOST:PORT (the article's is fixed in its code; a bare PORT is bad usage).
//! - A line longer than the client's recvfrom(1024) is not sent: type it
//!   again. End of input ends the server.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::{env, process};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str =
    "usage: udp_server [ADDR]   (HOST:PORT, default 127.0.0.1:9000; 0.0.0.0:PORT: all)";
/// The most a line from the keyboard may be: what the client reads at once.
const LINE_MAX: usize = 1024;

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("udp_server: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // s = socket.socket(family=AF_INET, type=SOCK_DGRAM) + 绑定端口:
    // UdpSocket::bind does both (the family is ADDR's).
    let s = UdpSocket::bind(addr).map_err(|e| context("cannot bind", addr, e))?;
    print(&format!("Listening on {}", s.local_addr()?))?;
    // Room for any datagram (Windows fails a read into a smaller buffer).
    let mut buf = vec![0; 65536];

    // 接收数据: data = s.recvfrom(1024), from whoever speaks first.
    let (n, client) = s
        .recv_from(&mut buf)
        .map_err(|e| context("cannot receive on", addr, e))?;
    let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
    print(&format!("收到来自客户端消息: {}", tuple(&buf[..n], client)))?;

    // 发送数据: to the client, where the article sends to its own address.
    s.send_to("send a message to you".as_bytes(), client)
        .map_err(|e| context("cannot send to", &client.to_string(), e))?;

    let mut warned = false;
    loop {
        print("请输入:")?;
        // put = input(); end of input ends the server.
        let Some(put) = input()? else {
            return Ok(());
        };
        s.send_to(put.as_bytes(), client)
            .map_err(|e| context("cannot send to", &client.to_string(), e))?;
        // data = s.recvfrom(1024): the client's answer. A datagram from
        // anyone else is not it: ignored, and receive again (the first
        // stranger is said on stderr, once).
        let n = loop {
            let (n, from) = s
                .recv_from(&mut buf)
                .map_err(|e| context("no answer from", &client.to_string(), e))?;
            if from == client {
                break n;
            }
            if !warned {
                warn(&format!(
                    "ignoring {from} and any other stranger: not our client"
                ));
                warned = true;
            }
        };
        let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
        print(&format!("收到客户端的数据: {}", tuple(&buf[..n], client)))?;
    }
}

/// Python's print of `s.recvfrom(1024)`: the tuple (data, address), as
/// `(b'hell0', ('127.0.0.1', 40278))`.
fn tuple(data: &[u8], from: SocketAddr) -> String {
    format!("({}, {})", py_bytes(data), py_addr(from))
}

/// Python's repr() of bytes: `b'hi'`, with `\t`, `\n`, `\r`, `\\`, and
/// `\xNN` for every other byte outside printable ASCII (so `b'\x1b[2J'`): a
/// peer cannot drive the terminal. Rust's escape_ascii escapes as Python
/// does, but both quotes; Python escapes only the one it quotes with.
fn py_bytes(data: &[u8]) -> String {
    let text = data.escape_ascii().to_string();
    if data.contains(&b'\'') && !data.contains(&b'"') {
        format!("b\"{}\"", text.replace("\\'", "'"))
    } else {
        format!("b'{}'", text.replace("\\\"", "\""))
    }
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
    quit(2, &format!("udp_server: {why}\n\n{USAGE}"))
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
        ErrorKind::AddrInUse => "; is another server running? pass another ADDR, e.g. 127.0.0.1:0",
        // Windows says so of a client that has gone (a "port unreachable").
        ErrorKind::ConnectionReset => "; the client has gone",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
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

/// `udp_server: WHAT` on stderr, on a line of its own.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "udp_server: {what}");
}

/// input(): one line from the keyboard, without its newline, or `None` at
/// end of input. A line longer than the client reads at once (1024 bytes)
/// is refused, skipped to its newline, and asked again.
fn input() -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    loop {
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let mut limited = (&mut stdin).take(LINE_MAX as u64 + 2);
        let n = limited.read_until(b'\n', &mut line).map_err(console)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") && n == LINE_MAX + 2 {
            stdin.skip_until(b'\n').map_err(console)?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() > LINE_MAX {
            warn("not sent: a line is at most 1024 bytes, what the peer reads at once; type less");
            continue;
        }
        return Ok(Some(text));
    }
}

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
