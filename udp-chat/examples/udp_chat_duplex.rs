//! The "next step" article 000 promises, over UDP: the same chat as
//! `udp-chat`, but both sides can type at any time. One thread reads the
//! keyboard and sends, while the main thread receives and prints. `88` or
//! end of input from either side still ends both.
//!
//! ```text
//! cargo run -p udp-chat --example udp_chat_duplex -- server    # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat --example udp_chat_duplex -- client    # terminal 2
//! ```
//!
//! The bytes on the wire are `udp-chat`'s: one datagram per message, no
//! newline, because UDP keeps message boundaries (article 004). So this
//! program also talks to `udp-chat` and to the Python versions.
//!
//! Both sides `connect()` their socket to the other: the client to the
//! first of ADDR's addresses, the server to the first client that speaks.
//! From then on the kernel drops anyone else's datagrams, and a datagram
//! sent to a port where nobody listens any more comes back as "port
//! unreachable" (`ConnectionRefused` on Linux, `ConnectionReset` on
//! Windows): UDP has no close, and that is how a side learns that the
//! other has gone. After its own `88` (typed, or end of input) a side
//! leaves at once: there is no hang-up to wait for.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::thread;

const USAGE: &str =
    "usage: udp_chat_duplex server [ADDR]   (ADDR: HOST:PORT, default 127.0.0.1:9000)
       udp_chat_duplex client [ADDR]   (both type at any time; 88 or end of input ends both)";
const NO_ROLE: &str = "say which side to run: \
                       `cargo run -p udp-chat --example udp_chat_duplex -- server` in one terminal, \
                       then `cargo run -p udp-chat --example udp_chat_duplex -- client` in another";
/// The longest line sent: what the peer's recvfrom(1024) reads at once.
const LINE_MAX: usize = 1024;

fn main() {
    let (role, addr) = args();
    let result = run(&role, &addr);
    end(&role, result)
}

fn run(role: &str, addr: &str) -> io::Result<()> {
    // The socket: the server binds ADDR, the client connects to it. Then
    // what its errors say, where, and the peer's name in 收到...消息.
    let (socket, doing, place, who) = if role == "server" {
        let socket = UdpSocket::bind(addr).map_err(|e| context("cannot bind", addr, e))?;
        print(&format!("Listening on {}\n", socket.local_addr()?))?;
        (socket, "cannot chat on", addr.to_string(), "客户端")
    } else {
        let (socket, at) = connect(addr)?;
        (socket, "no server at", at, "服务端")
    };
    // try_clone(): a second handle on the same socket, for the keyboard thread.
    let keyboard_socket = socket.try_clone()?;
    let keyboard_role = role.to_string();
    let keyboard_place = place.clone();
    let spawned = thread::Builder::new().spawn(move || {
        let result = keyboard(&keyboard_socket, &keyboard_role, doing, &keyboard_place);
        end(&keyboard_role, result)
    });
    spawned.map_err(|e| context("cannot start", "the keyboard thread", e))?;

    // This thread: the socket. One datagram is one message.
    let mut peer = None; // the other side, once heard
    let mut data = [0; 65536]; // room for any datagram: see udp-chat's server.rs
    loop {
        let (n, from) = match socket.recv_from(&mut data) {
            Ok(pair) => pair,
            Err(e) => return gone(role, peer, context(doing, &place, e)),
        };
        if peer.is_some_and(|first| first != from) {
            warn(role, &format!("ignoring stranger {from}")); // come before connect() below
            continue;
        }
        if peer.is_none() && role == "server" {
            // The first client that speaks is the chat's: the keyboard
            // thread now sends to it, and no one else is heard.
            socket
                .connect(from)
                .map_err(|e| context(doing, &place, e))?;
        }
        peer = Some(from);
        let text = show(&data[..n]);
        print(&format!("收到{who}消息: {text}\n"))?;
        if text == "88" {
            return Ok(()); // the peer has left: so do we, keyboard thread and all
        }
    }
}

/// The keyboard thread: each line typed is one datagram to the peer. After
/// `88`, typed or said for you at end of input, the program ends.
fn keyboard(socket: &UdpSocket, role: &str, doing: &str, place: &str) -> io::Result<()> {
    loop {
        let line = input(role)?;
        // The server's socket is connected once a client has spoken.
        let connected = socket.peer_addr().is_ok();
        if connected {
            let sent = socket.send(line.as_bytes());
            sent.map_err(|e| context(doing, place, e))?;
        } else {
            warn(role, "no client has spoken yet, nobody to send to");
        }
        if line == "88" {
            return Ok(());
        }
    }
}

/// Ends the program, from either thread: an error is one line, exit 1.
fn end(role: &str, result: io::Result<()>) -> ! {
    if let Err(e) = result {
        quit(1, &format!("udp_chat_duplex {role}: {e}"));
    }
    std::process::exit(0)
}

/// The role and ADDR from the command line; `--help` and mistakes end here.
fn args() -> (String, String) {
    let mut role = None;
    let mut addr = None;
    for arg in std::env::args_os().skip(1) {
        let lossy = arg.to_string_lossy();
        match arg.to_str() {
            Some("-h" | "--help") => quit(0, USAGE),
            None => usage_error(format!("argument `{lossy}` is not valid UTF-8")),
            Some(a) if a.starts_with('-') => usage_error(format!("unknown option `{a}`")),
            Some(a @ ("server" | "client")) if role.is_none() => role = Some(a.to_string()),
            Some(a) if role.is_none() => {
                usage_error(format!("unknown role `{a}`: expected `server` or `client`"))
            }
            Some(a) if addr.is_some() => usage_error(format!("unexpected argument `{a}`")),
            Some(a) if !is_host_port(a) => usage_error(format!(
                "bad ADDR `{a}`: expected HOST:PORT, e.g. 127.0.0.1:9999"
            )),
            Some(a) => addr = Some(a.to_string()),
        }
    }
    let Some(role) = role else {
        usage_error(NO_ROLE.to_string())
    };
    (role, addr.unwrap_or_else(|| "127.0.0.1:9000".to_string()))
}

/// HOST:PORT with a host, and a port of digits only (`+80` is no port) up to 65535.
fn is_host_port(a: &str) -> bool {
    let (host, port) = a.rsplit_once(':').unwrap_or_default();
    !host.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<u16>().is_ok()
}

/// Bad usage: what is wrong, a blank line, the usage; exit 2.
fn usage_error(why: String) -> ! {
    quit(2, &format!("udp_chat_duplex: {why}\n\n{USAGE}"))
}

/// Ends the program: `--help` (code 0) on stdout, anything else on stderr.
fn quit(code: i32, text: &str) -> ! {
    if code == 0 {
        let _ = writeln!(io::stdout(), "{text}"); // a closed stdout is no reason to panic
    } else {
        let _ = writeln!(io::stderr(), "{text}");
    }
    std::process::exit(code)
}

/// The client's socket: the first of ADDR's addresses in the resolver's
/// order (the one the server's bind takes, so a name such as `localhost`
/// meets its server), a socket of its family on a free port, connected to
/// it; and how errors name it (see [`at`]).
fn connect(addr: &str) -> io::Result<(UdpSocket, String)> {
    let mut ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let Some(ip) = ips.next() else {
        return Err(context("no address for", addr, ErrorKind::NotFound.into()));
    };
    let any = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let socket = UdpSocket::bind(any).map_err(|e| context("cannot open", any, e))?;
    socket
        .connect(ip)
        .map_err(|e| context("cannot use", &at(addr, ip), e))?;
    Ok((socket, at(addr, ip)))
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

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => {
            "; is the server running? start it with `cargo run -p udp-chat --example udp_chat_duplex -- server`"
        }
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// A failed receive, `e`. "Port unreachable" from the `peer` we have heard
/// (see the top of this file) means that it has gone: the chat is over,
/// said in a line (Ok). Anything else, or before the peer was heard (no
/// server there), stays an error.
fn gone(role: &str, peer: Option<SocketAddr>, e: io::Error) -> io::Result<()> {
    match (peer, e.kind()) {
        (Some(peer), ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset) => {
            warn(role, &format!("{peer} has gone, the chat is over"));
            Ok(())
        }
        _ => Err(e),
    }
}

/// print(): `text` on stdout, seen at once. A stdout that fails (a full
/// disk, `> /dev/full`) ends the program; one whose reader has gone
/// (`| head -1`) does not: the text is dropped and the program goes on.
fn print(text: &str) -> io::Result<()> {
    match write!(io::stdout(), "{text}").and_then(|()| io::stdout().flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// `udp_chat_duplex ROLE: WHAT` on stderr; a closed stderr is no reason to panic.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "udp_chat_duplex {role}: {what}");
}

/// One line from the keyboard, without its newline; `88` at end of input.
/// An empty line is skipped; one longer than the peer reads at once
/// (recv(1024)) is refused and skipped to its newline, so no read grows
/// without bound.
fn input(role: &str) -> io::Result<String> {
    let mut stdin = io::stdin().lock();
    loop {
        let mut line = Vec::new();
        let mut limited = (&mut stdin).take(LINE_MAX as u64 + 2);
        let n = limited.read_until(b'\n', &mut line).map_err(console)?;
        if n == 0 {
            return Ok("88".to_string());
        }
        if !line.ends_with(b"\n") && n == LINE_MAX + 2 {
            stdin.skip_until(b'\n').map_err(console)?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() > LINE_MAX {
            warn(role, "not sent: a line is at most 1024 bytes; type less");
        } else if !text.is_empty() {
            return Ok(text);
        }
    }
}

/// What a peer sent, as a line for the terminal: at most the 1024 bytes
/// recvfrom(1024) takes, lossy UTF-8, one trailing newline dropped, every
/// control character but tab escaped (`\u{1b}`) so a peer cannot drive
/// the terminal.
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_newline(&data[..data.len().min(1024)]));
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
