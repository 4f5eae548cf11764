//! The "next step" article 000 promises: the same TCP chat, but both sides
//! can type at any time. "当前的聊天模式只能发一句收一句, 这是因为我们当前的
//! 程序都是单线程阻塞的" — so here one thread reads the keyboard and sends,
//! while the main thread reads the socket and prints. `88` or end of input
//! from either side still ends both.
//!
//! ```text
//! cargo run -p tcp-chat --example tcp_chat_duplex -- server    # terminal 1: 127.0.0.1:6666
//! cargo run -p tcp-chat --example tcp_chat_duplex -- client    # terminal 2
//! ```
//!
//! One thing changes on the wire: each message ends with a newline. With
//! turns, one read was one message; now two lines typed quickly can arrive
//! in one read (TCP keeps no message boundaries, article 004), and `88`
//! glued to the line before it would go unnoticed. So the two duplex
//! programs talk to each other, not to `tcp-chat` or the Python versions.
//! After saying `88` a side gives the peer a few seconds to close, then
//! leaves anyway; a peer that leaves without `88` is said on stderr, and
//! what a peer sends is shown with control characters escaped (`\u{1b}`).

use std::io::{self, BufRead, BufReader, ErrorKind::*, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::{env, process, process::ExitCode, thread, time::Duration};

const GOODBYE: &[u8] = b"88";
/// A peer that never sends a newline cannot make us hold more than this.
const MAX_LINE: u64 = 64 * 1024;
/// Set once this side has said 88: the peer's close is then the answer.
static SAID_88: AtomicBool = AtomicBool::new(false);
/// How long the peer has to close after our 88 before we leave anyway.
const GRACE_SECS: u64 = 3;
fn run(role: &'static str, addr: &str) -> io::Result<()> {
    let (socket, peer, from) = if role == "server" {
        let listener = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
        say(&format!("Listening on {}", listener.local_addr()?));
        // A client that leaves at once, before a word (a port scan, a health
        // check), does not take the only seat: the server waits for the next.
        // Only the first half second is watched, so that the server's user
        // may still speak first to a client that has not said anything yet.
        let (socket, client_addr) = loop {
            let (socket, client_addr) = listener
                .accept()
                .map_err(|e| context("cannot accept on", addr, e))?;
            say(&format!("客户端已连接: {}", tuple(client_addr)));
            socket.set_read_timeout(Some(Duration::from_millis(500)))?;
            let left = socket
                .peek(&mut [0])
                .map_or_else(|e| !matches!(e.kind(), WouldBlock | TimedOut), |n| n == 0);
            socket.set_read_timeout(None)?;
            if !left {
                break (socket, client_addr);
            }
            warn(
                "server",
                format!("client {client_addr} left without a word, waiting for the next one"),
            );
        };
        (socket, format!("client {client_addr}"), "客户端")
    } else {
        let socket = TcpStream::connect(addr).map_err(|e| context("cannot connect to", addr, e))?;
        (socket, format!("server {addr}"), "服务端")
    };

    // try_clone(): a second handle on the same socket, so that one thread
    // can write while the other is blocked reading.
    let sender = socket.try_clone()?;
    let leave = format!("{peer} did not close within {GRACE_SECS} s of our 88, leaving");
    thread::Builder::new()
        .name("keyboard".into())
        .spawn(move || keyboard(sender, role, leave))?;

    // This thread: the socket. One line is one message.
    let mut lines = BufReader::new(socket);
    let mut line = Vec::new();
    loop {
        line.clear();
        match (&mut lines).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) => return gone(UnexpectedEof.into(), role, &peer),
            Ok(_) => {}
            Err(e) => return gone(e, role, &peer),
        }
        let message = line
            .strip_suffix(b"\n")
            .map_or(&line[..], |l| l.strip_suffix(b"\r").unwrap_or(l));
        say(&format!("收到{from}消息: {}", show(message)));
        if message == GOODBYE {
            return Ok(()); // returning from main ends the keyboard thread too
        }
    }
}

/// The keyboard thread: sends each line typed, with its newline. After `88`
/// (typed, or end of input) it shuts down the sending half: the peer reads
/// the 88, ends, and its close ends our reading thread in turn. A peer that
/// does not close is given a few seconds, then we leave all the same.
fn keyboard(mut socket: TcpStream, role: &str, leave: String) {
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let typed = match (&mut stdin).take(MAX_LINE).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => GOODBYE, // end of input (or an unreadable keyboard) says 88
            Ok(_) => line.strip_suffix(b"\n").unwrap_or(&line),
        };
        let typed = typed.strip_suffix(b"\r").unwrap_or(typed);
        if typed.is_empty() {
            continue;
        }
        SAID_88.store(typed == GOODBYE, SeqCst);
        // A failed send means the connection is gone: the reading thread says so.
        if socket.write_all(&[typed, b"\n"].concat()).is_err() {
            return;
        }
        if typed == GOODBYE {
            let _ = socket.shutdown(Shutdown::Write);
            thread::sleep(Duration::from_secs(GRACE_SECS));
            warn(role, leave);
            process::exit(0);
        }
    }
}

const USAGE: &str =
    "usage: tcp_chat_duplex server [ADDR]   (start it first; both type any time; `88` ends)
       tcp_chat_duplex client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:6666)";

fn main() -> ExitCode {
    let (role, addr) = match args() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::from(writeln!(io::stdout(), "{USAGE}").map_or(1, |()| 0)),
        Err(why) => {
            let _ = writeln!(io::stderr(), "tcp_chat_duplex: {why}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    ExitCode::from(u8::from(
        run(role, &addr).inspect_err(|e| warn(role, e)).is_err(),
    ))
}

/// The role and ADDR from the command line (None: help was asked for), or
/// what is wrong with it.
fn args() -> Result<Option<(&'static str, String)>, String> {
    let args = env::args_os()
        .skip(1)
        .map(|a| a.into_string())
        .collect::<Result<Vec<_>, _>>();
    let args =
        args.map_err(|a| format!("argument `{}` is not valid UTF-8", a.to_string_lossy()))?;
    // -h/--help anywhere asks for help; any other option is a mistake, never a host name.
    if let Some(a) = args.iter().find(|a| a.starts_with('-')) {
        let help = args.iter().any(|a| a == "-h" || a == "--help");
        return if help {
            Ok(None)
        } else {
            Err(format!("unknown option `{a}`"))
        };
    }
    let (role, addr) = match &args[..] {
        [] => return Err("say which side to run: `cargo run -p tcp-chat --example tcp_chat_duplex -- server` in one terminal, then `cargo run -p tcp-chat --example tcp_chat_duplex -- client` in another".into()),
        [role] => (role.as_str(), "127.0.0.1:6666"),
        [role, addr] => (role.as_str(), addr.as_str()),
        [_, _, extra, ..] => return Err(format!("unexpected argument `{extra}`")),
    };
    let role = match role {
        "server" => "server",
        "client" => "client",
        _ => {
            return Err(format!(
                "unknown role `{role}`: expected `server` or `client`"
            ));
        }
    };
    bad_addr(addr).map_or(Ok(Some((role, addr.into()))), Err)
}

/// What is wrong with `addr` as HOST:PORT, if anything.
fn bad_addr(addr: &str) -> Option<String> {
    let (host, port) = addr.rsplit_once(':').unwrap_or(("", addr));
    let why = match port.parse::<u16>() {
        _ if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) => {
            match addr.contains(':') {
                true => format!("port `{port}` is not a number"),
                false => "no port: expected HOST:PORT".into(),
            }
        }
        Err(_) => format!("port {port} is out of range (0-65535)"),
        Ok(_) if host.is_empty() => format!("no host: did you mean 127.0.0.1:{port}?"),
        Ok(_) => return None,
    };
    Some(format!("bad ADDR `{addr}`: {why}"))
}

/// An error with what was being done, where, and a hint chosen by its kind.
fn context(action: &str, addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        ConnectionRefused => {
            "; is the server running? start it first: `cargo run -p tcp-chat --example tcp_chat_duplex -- server`"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}

/// The peer closed or reset the connection: after our 88 that is its
/// answer; before it, the chat is over without one, said in one line.
fn gone(e: io::Error, role: &str, peer: &str) -> io::Result<()> {
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            if !SAID_88.load(SeqCst) {
                warn(
                    role,
                    format!("{peer} closed the connection, the chat is over"),
                );
            }
            Ok(())
        }
        _ => Err(context("the chat with", peer, e)),
    }
}

/// Received bytes as text for the terminal: not UTF-8 becomes U+FFFD, and
/// every control character but tab is made visible (`\u{1b}`).
fn show(data: &[u8]) -> String {
    let esc = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(data).chars().map(esc).collect()
}

/// The address as Python prints an accepted address: `('127.0.0.1', 40278)`.
fn tuple(addr: SocketAddr) -> String {
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

/// A line on stdout; a closed stdout must not end the chat (println! would panic).
fn say(line: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}

/// `tcp_chat_duplex ROLE: WHAT` on stderr; a closed stderr must not turn it into a panic either.
fn warn(role: &str, what: impl std::fmt::Display) {
    let _ = writeln!(io::stderr(), "tcp_chat_duplex {role}: {what}");
}
