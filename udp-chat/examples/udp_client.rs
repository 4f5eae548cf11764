//! udp_client: the UDP client of article 002 (python网络编程与使用TCP协议实现聊天室,
//! its last part, "UDP", 客户端; Python original `udp_client.py`).
//!
//! It sends `hell0`, prints the server's first answer, then takes turns:
//! you type a line for the server, it prints the server's answer. Start
//! the server first:
//!
//! ```text
//! cargo run -p udp-chat --example udp_server   # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat --example udp_client   # terminal 2
//! ```
//!
//! Differences from the article:
//! - The socket is connected to the server: only the server's datagrams
//!   are received, and a server that is not there is said (its "port
//!   unreachable" fails the next receive) instead of waited for.
//! - The server's first answer is automatic: none within 10 s ends the
//!   client with one line. Later answers are typed by a person: none
//!   within 5 minutes (IDLE_SECS=N: N seconds) ends it the same way.
//! - A line longer than the server's recvfrom(1024) is not sent: type it
//!   again. End of input ends the client. ADDR can be given, as
//!   HOST:PORT (the article's is fixed in its code; a bare PORT is bad usage).

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::{env, process, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str = "usage: udp_client [ADDR]   (the server's HOST:PORT, default 127.0.0.1:9000)";
/// How long the server's first, automatic answer may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The most a line from the keyboard may be: what the server reads at once.
const LINE_MAX: usize = 1024;

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("udp_client: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // s = socket.socket(family=AF_INET, type=SOCK_DGRAM), of the family of
    // the server's address, connected to it (see above).
    let (s, server) = socket_to(addr)?;
    // Room for any datagram (Windows fails a read into a smaller buffer).
    let mut buf = vec![0; 65536];

    // 发送数据
    s.send("hell0".as_bytes())
        .map_err(|e| context("cannot send to", &server, e))?;
    // 接收数据: data = s.recv(1024)
    s.set_read_timeout(Some(TIMEOUT))?;
    let n = s
        .recv(&mut buf)
        .map_err(|e| context("no answer from", &server, e))?;
    let n = n.min(1024); // recv(1024) keeps the first 1024 bytes
    print(&py_bytes(&buf[..n]))?;

    // The next answers are typed by a person at the server.
    s.set_read_timeout(Some(idle()))?;
    loop {
        print("请输入:")?;
        // put = input(); end of input ends the client.
        let Some(put) = input()? else {
            return Ok(());
        };
        s.send(put.as_bytes())
            .map_err(|e| context("cannot send to", &server, e))?;
        // print("收到服务端的数据:", s.recvfrom(1024))
        let (n, from) = s
            .recv_from(&mut buf)
            .map_err(|e| context("no answer from", &server, e))?;
        let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
        print(&format!("收到服务端的数据: {}", tuple(&buf[..n], from)))?;
    }
}

/// A UDP socket connected to the first of ADDR's addresses in the
/// resolver's order (the one a server given the same name binds first), of
/// its family; and how to name it in errors.
fn socket_to(addr: &str) -> io::Result<(UdpSocket, String)> {
    let mut ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let Some(ip) = ips.next() else {
        let e = io::Error::new(ErrorKind::NotFound, "the name has no address");
        return Err(context("cannot resolve", addr, e));
    };
    let server = at(addr, ip);
    // Python binds a free port on the first sendto(); Rust names it: port 0.
    let any = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let s = UdpSocket::bind(any).map_err(|e| context("cannot bind", any, e))?;
    s.connect(ip)
        .map_err(|e| context("cannot connect to", &server, e))?;
    Ok((s, server))
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:9000 (127.0.0.1:9000)`.
fn at(addr: &str, ip: SocketAddr) -> String {
    if ip.to_string() == addr {
        addr.to_string()
    } else {
        format!("{addr} ({ip})")
    }
}

/// Python's print of `s.recvfrom(1024)`: the tuple (data, address), as
/// `(b'hi', ('127.0.0.1', 9000))`.
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
    quit(2, &format!("udp_client: {why}\n\n{USAGE}"))
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

/// How long the server's person may take to answer: 5 minutes;
/// IDLE_SECS=N sets N seconds (the tests use 1).
fn idle() -> Duration {
    let secs = match env::var("IDLE_SECS") {
        Ok(text) => text.parse::<u64>().unwrap_or(0),
        Err(_) => 0,
    };
    // Unset, not a number, or 0 (the OS refuses a zero timeout): 5 minutes.
    if secs == 0 {
        return Duration::from_secs(300);
    }
    Duration::from_secs(secs)
}

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        // A "port unreachable" came back: Linux says refused, Windows reset.
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => {
            "; is the server running? start it with `cargo run -p udp-chat --example udp_server`"
        }
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "; no answer in time (10 s for hell0; 5 minutes, or IDLE_SECS, for a line)"
        }
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

/// `udp_client: WHAT` on stderr, on a line of its own.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "udp_client: {what}");
}

/// input(): one line from the keyboard, without its newline, or `None` at
/// end of input. A line longer than the server reads at once (1024 bytes)
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
