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
//! program also talks to `udp-chat` and to the Python versions. As there,
//! the server talks with the first client that speaks and ignores anyone
//! else, and the client hears its server only.
//!
//! UDP has no close, so a side cannot wait for the other to hang up: after
//! its own `88` (typed, or end of input) a side leaves at once. What a side
//! can learn is that the other is gone: a datagram sent to a port where
//! nobody listens any more comes back as "port unreachable", which a
//! connected socket reports (`ConnectionRefused` on Linux, `ConnectionReset`
//! on Windows). The client's socket is connected, so a client whose server
//! has gone says so the next time it sends. The server's socket is not (it
//! must see strangers to ignore them), and Linux tells an unconnected
//! socket nothing: there the server learns it only on Windows, and
//! otherwise its user ends it with `88` or end of input.

use std::io::{self, BufRead, ErrorKind::*, Write};
use std::net::{SocketAddr, UdpSocket};
use std::sync::OnceLock;
use std::{process, thread};

const USAGE: &str =
    "usage: udp_chat_duplex server [ADDR]    (ADDR is HOST:PORT, by default 127.0.0.1:9000)
       udp_chat_duplex client [ADDR]    (both type at any time; 88 or end of input ends both)";

/// The other side, once heard: the first client that speaks, or the server.
static PEER: OnceLock<SocketAddr> = OnceLock::new();

fn main() {
    let (role, addr) = args();
    if let Err(e) = run(role, addr) {
        let _ = writeln!(io::stderr(), "udp_chat_duplex {role}: {e}");
        process::exit(1);
    }
}

fn run(role: &'static str, addr: &'static str) -> io::Result<()> {
    let socket = if role == "server" {
        let socket = UdpSocket::bind(addr).map_err(|e| context("cannot bind", addr, e))?;
        print(&format!("Listening on {}\n", socket.local_addr()?))?;
        socket
    } else {
        let socket = UdpSocket::bind(if addr.starts_with('[') {
            "[::]:0"
        } else {
            "0.0.0.0:0"
        })?;
        // connect(): only the server's datagrams reach us, and "port
        // unreachable" comes back as an error instead of silence.
        socket
            .connect(addr)
            .map_err(|e| context("cannot use", addr, e))?;
        socket
    };
    // try_clone(): a second handle on the same socket for the keyboard thread.
    let sender = socket.try_clone()?;
    thread::spawn(move || keyboard(&sender, role, addr));

    // This thread: the socket. One datagram is one message, from the peer
    // only: a stranger is not shown, and its 88 ends nothing.
    let (mut data, mut warned) = ([0; 65536], false);
    let from_word = if role == "server" {
        "客户端"
    } else {
        "服务端"
    };
    loop {
        let (n, from) = socket
            .recv_from(&mut data)
            .unwrap_or_else(|e| gone(role, addr, e));
        if *PEER.get_or_init(|| socket.peer_addr().unwrap_or(from)) != from {
            if !std::mem::replace(&mut warned, true) {
                let _ = writeln!(
                    io::stderr(),
                    "udp_chat_duplex {role}: ignoring {from} and any other stranger: not this chat's peer"
                );
            }
            continue;
        }
        print(&format!("收到{from_word}消息: {}\n", safe(&data[..n])))?;
        if trim(&data[..n]) == b"88" {
            return Ok(()); // returning from main ends the keyboard thread too
        }
    }
}

/// The keyboard thread: each line typed is one datagram to the peer. After
/// `88`, typed or said for you at end of input, the program ends at once.
fn keyboard(socket: &UdpSocket, role: &'static str, addr: &str) {
    for line in io::stdin()
        .lock()
        .split(b'\n')
        .map_while(Result::ok)
        .chain([b"88".to_vec()])
    {
        let typed = trim(&line);
        let note = match PEER.get() {
            _ if typed.is_empty() => continue,
            _ if typed.len() > 1024 => "a line over 1024 bytes is not sent: the peer reads 1024",
            _ if role == "client" => socket
                .send(typed)
                .map_or_else(|e| gone(role, addr, e), |_| ""),
            Some(to) => socket
                .send_to(typed, to)
                .map_or_else(|e| gone(role, addr, e), |_| ""),
            None => "no client has spoken yet, nobody to send to",
        };
        if !note.is_empty() {
            let _ = writeln!(io::stderr(), "udp_chat_duplex {role}: {note}");
        }
        if typed == b"88" {
            process::exit(0);
        }
    }
}

/// The role and ADDR from the command line. Anything else is bad usage: one
/// line that says what is wrong, then the usage, exit 2 (`-h` or `--help`
/// anywhere: the usage alone on stdout, exit 0).
fn args() -> (&'static str, &'static str) {
    // Kept for the whole run (leaked), so that both threads can use the words.
    let args: &'static [_] = std::env::args_os().skip(1).collect::<Vec<_>>().leak();
    let words: Vec<&str> = args.iter().map_while(|arg| arg.to_str()).collect();
    let why = match (args.get(words.len()), &words[..]) {
        (Some(arg), _) => format!("argument `{}` is not valid UTF-8", arg.to_string_lossy()),
        (_, [w, ..] | [_, w, ..] | [_, _, w, ..]) if w.starts_with('-') => {
            format!("unknown option `{w}`")
        }
        (_, []) => NO_ROLE.into(),
        (_, [role @ ("server" | "client"), rest @ ..]) if rest.len() < 2 => {
            let addr = rest.first().copied().unwrap_or("127.0.0.1:9000");
            // What is wrong with ADDR as HOST:PORT, if anything.
            let (host, port) = addr.rsplit_once(':').unwrap_or(("", addr));
            let bad = match (
                port.bytes().all(|b| b.is_ascii_digit()),
                port.parse::<u16>(),
            ) {
                (true, Ok(_)) if !host.is_empty() => return (role, addr), // all good
                (true, Ok(_)) => format!("no host: did you mean 127.0.0.1:{port}?"),
                (true, Err(_)) if !port.is_empty() => {
                    format!("port {port} is out of range (0-65535)")
                }
                _ if addr.contains(':') => format!("port `{port}` is not a number"),
                _ => "no port: expected HOST:PORT".into(),
            };
            format!("bad ADDR `{addr}`: {bad}")
        }
        (_, [_, _, extra, ..]) => format!("unexpected argument `{extra}`"),
        (_, [other, ..]) => format!("unknown role `{other}`: expected `server` or `client`"),
    };
    if args.iter().any(|arg| arg == "-h" || arg == "--help") {
        process::exit(print(&format!("{USAGE}\n")).map_or(1, |()| 0));
    }
    let _ = writeln!(io::stderr(), "udp_chat_duplex: {why}\n\n{USAGE}");
    process::exit(2)
}

const NO_ROLE: &str = "say which side to run: \
                       `cargo run -p udp-chat --example udp_chat_duplex -- server` in one terminal, \
                       then `cargo run -p udp-chat --example udp_chat_duplex -- client` in another";

/// An error with what was being done and where, and a hint chosen by its kind.
fn context(action: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        ConnectionRefused | ConnectionReset => {
            "; is the server running? start it with `cargo run -p udp-chat --example udp_chat_duplex -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}

/// The peer's text made safe to print: at most what recvfrom(1024) takes,
/// without the newline a peer such as `nc` ends it with, lossy UTF-8, and
/// every control character but tab made visible (`\u{1b}`), so that a peer
/// cannot retitle, clear or recolour the terminal.
fn safe(data: &[u8]) -> String {
    let safe = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(trim(&data[..data.len().min(1024)]))
        .chars()
        .map(safe)
        .collect()
}

/// `print()` that may fail (a closed stdout) instead of panicking.
fn print(s: &str) -> io::Result<()> {
    let mut out = io::stdout();
    write!(out, "{s}")
        .and_then(|()| out.flush())
        .map_err(|e| context("cannot write to", "stdout", e))
}

/// A line or a message without the newline that ends it.
fn trim(data: &[u8]) -> &[u8] {
    data.strip_suffix(b"\n")
        .map_or(data, |data| data.strip_suffix(b"\r").unwrap_or(data))
}

/// A failed send or receive, from either thread, ends the program. "Port
/// unreachable" from a peer we have heard (see the top of this file) means
/// it has gone: the chat is over, said as `udp-chat` says it, exit 0.
/// Before the client has heard its server, it means that no server is
/// there. Those and any other error: one line, exit 1.
fn gone(role: &str, addr: &str, e: io::Error) -> ! {
    let (who, what) = if role == "server" {
        ("client", "error on")
    } else {
        ("server", "no server at")
    };
    if let Some(peer) = PEER
        .get()
        .filter(|_| matches!(e.kind(), ConnectionRefused | ConnectionReset))
    {
        let _ = writeln!(
            io::stderr(),
            "udp_chat_duplex {role}: {who} {peer} has gone (port unreachable), the chat is over"
        );
        process::exit(0);
    }
    let _ = writeln!(
        io::stderr(),
        "udp_chat_duplex {role}: {}",
        context(what, addr, e)
    );
    process::exit(1)
}
