//! udp-chat: the point-to-point chat over UDP that article 000 refers to
//! ("之前使用UDP协议实现点对点聊天") and article 002 writes
//! (python网络编程与使用TCP协议实现聊天室, its UDP part; Python versions
//! `p2p_udp_server.py` and `p2p_udp_client.py`). Server and client take
//! turns, the client first; `88` from either side ends both.
//!
//! ```text
//! cargo run -p udp-chat -- server       # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat -- client       # terminal 2: type, then wait for the answer
//! ```
//!
//! `server.rs` and `client.rs` are the two Python programs. This file picks
//! the role; below `main` is what both need: the command line, error
//! wording, the peer's text shown safely, the keyboard, and the end of a
//! chat whose peer has gone. Differences from the article: the server talks
//! with the first client that speaks and ignores anyone else (article 002's
//! server sends to its own port and so talks to itself); the client
//! connects its socket, so only its server is heard and "no server there"
//! is reported instead of waited for; the address can be given; end of
//! input says `88` for you; an empty or over-long line is asked again
//! rather than sent; text that is not UTF-8 gets replacement characters,
//! and control characters from the peer are shown as `\u{1b}`, never sent
//! raw to the terminal. `examples/udp_chat_duplex.rs` is the next step the
//! article promises, both sides typing at any time.

mod client;
mod server;

use std::io::{self, BufRead, ErrorKind::*, Read, Write};

const USAGE: &str =
    "usage: udp-chat server [ADDR]    (ADDR is HOST:PORT, by default 127.0.0.1:9000)
       udp-chat client [ADDR]    (the client speaks first; 88 or end of input ends both)";

fn main() {
    let (role, addr) = args();
    let run = if role == "server" {
        server::run
    } else {
        client::run
    };
    std::process::exit(run(&addr).inspect_err(|e| warn(&role, e)).map_or(1, |()| 0))
}

/// The role and ADDR from the command line. Anything else is bad usage: one
/// line that says what is wrong, then the usage, exit 2 (`-h` or `--help`
/// anywhere: the usage alone on stdout, exit 0).
fn args() -> (String, String) {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let words: Vec<&str> = args.iter().map_while(|arg| arg.to_str()).collect();
    let why = match (
        args.iter().any(|a| a == "-h" || a == "--help"),
        args.get(words.len()),
        &words[..],
    ) {
        (true, ..) => std::process::exit(print(&format!("{USAGE}\n")).map_or(1, |()| 0)),
        (_, Some(arg), _) => format!("argument `{}` is not valid UTF-8", arg.to_string_lossy()),
        (.., [w, ..] | [_, w, ..] | [_, _, w, ..]) if w.starts_with('-') => {
            format!("unknown option `{w}`")
        }
        (.., []) => "say which side to run: `cargo run -p udp-chat -- server` in one terminal, \
                    then `cargo run -p udp-chat -- client` in another"
            .into(),
        (.., [role @ ("server" | "client"), rest @ ..]) if rest.len() < 2 => {
            let addr = rest.first().copied().unwrap_or("127.0.0.1:9000");
            // What is wrong with ADDR as HOST:PORT, if anything.
            let (host, port) = addr.rsplit_once(':').unwrap_or(("", addr));
            let bad = match (
                port.bytes().all(|b| b.is_ascii_digit()),
                port.parse::<u16>(),
            ) {
                (true, Ok(_)) if !host.is_empty() => return (role.to_string(), addr.into()), // all good
                (true, Ok(_)) => format!("no host: did you mean 127.0.0.1:{port}?"),
                (true, Err(_)) if !port.is_empty() => {
                    format!("port {port} is out of range (0-65535)")
                }
                _ if addr.contains(':') => format!("port `{port}` is not a number"),
                _ => "no port: expected HOST:PORT".into(),
            };
            format!("bad ADDR `{addr}`: {bad}")
        }
        (.., [_, _, extra, ..]) => format!("unexpected argument `{extra}`"),
        (.., [other, ..]) => format!("unknown role `{other}`: expected `server` or `client`"),
    };
    let _ = writeln!(io::stderr(), "udp-chat: {why}\n\n{USAGE}");
    std::process::exit(2)
}

/// An error with what was being done and where, and a hint chosen by its kind.
fn context(action: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        ConnectionRefused | ConnectionReset => {
            "; is the server running? `cargo run -p udp-chat -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}

/// `recv_data.decode('utf-8')` made safe to print: what recvfrom(1024) would
/// take of a datagram, without the newline a peer such as `nc` ends it
/// with, lossy UTF-8, and every control character but tab made visible
/// (`\u{1b}`), so that a peer cannot retitle, clear or recolour the terminal.
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

/// `print()` that may fail (a closed stdout) instead of panicking, and is
/// seen at once (a prompt has no newline).
fn print(s: &str) -> io::Result<()> {
    let mut out = io::stdout();
    write!(out, "{s}")
        .and_then(|()| out.flush())
        .map_err(|e| context("cannot write to", "stdout", e))
}

/// `udp-chat ROLE: WHAT` on stderr; a closed stderr is no reason to panic.
fn warn(role: &str, what: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "udp-chat {role}: {what}");
}

/// A line or a message without the newline that ends it.
fn trim(data: &[u8]) -> &[u8] {
    data.strip_suffix(b"\n")
        .map_or(data, |data| data.strip_suffix(b"\r").unwrap_or(data))
}

/// `input('请输入:')`: the prompt, then one line without its newline. End of
/// input (or a keyboard that cannot be read) says `88` for you, after ending
/// the prompt's line. An empty line (it would reach the peer as a message of
/// nothing) and one longer than the peer's recvfrom(1024) takes are asked again.
fn input(role: &str) -> io::Result<Vec<u8>> {
    loop {
        print("请输入:")?;
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        let Some(Ok(line)) = io::stdin().lock().take(1 << 26).split(b'\n').next() else {
            print("\n")?;
            warn(role, "end of input, saying 88");
            return Ok(b"88".to_vec());
        };
        match trim(&line).len() {
            0 => {}
            1..=1024 => return Ok(trim(&line).to_vec()),
            n => warn(
                role,
                format!("{n} bytes is too long, the peer reads at most 1024"),
            ),
        }
    }
}

/// A failed receive. "Port unreachable" came back for a datagram we sent:
/// `ConnectionRefused` on Linux, `ConnectionReset` on Windows. UDP has no
/// close, so this is how we learn that a peer we have heard from (`peer`)
/// has gone: the chat is over, said in one line, and the program ends
/// (exit 0). Before the client has heard its server, it means that no
/// server is there: an error, as is anything else.
fn gone(role: &str, peer: Option<std::net::SocketAddr>, addr: &str, e: io::Error) -> io::Error {
    let (who, what) = if role == "server" {
        ("client", "receiving on")
    } else {
        ("server", "no server at")
    };
    if let Some(peer) = peer.filter(|_| matches!(e.kind(), ConnectionRefused | ConnectionReset)) {
        warn(
            role,
            format!("{who} {peer} has gone (port unreachable), the chat is over"),
        );
        std::process::exit(0);
    }
    context(what, addr, e)
}
