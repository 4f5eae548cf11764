//! udp-chat: the point-to-point chat over UDP that article 000 refers to
//! ("之前使用UDP协议实现点对点聊天"; Python versions `p2p_udp_server.py` and
//! `p2p_udp_client.py`). Server and client take turns, the client first;
//! `88` from either side ends both.
//!
//! ```text
//! cargo run -p udp-chat -- server       # terminal 1: 127.0.0.1:9000
//! cargo run -p udp-chat -- client       # terminal 2: type, then wait for the answer
//! ```
//!
//! `server.rs` and `client.rs` are the two Python programs. This file reads
//! the command line, picks the role, and holds what both need below `main`.
//! Differences from the article:
//! - the default address is 127.0.0.1:9000 (the port of article 002's UDP
//!   pair), where the Python versions use 6666; ADDR can be given, as
//!   HOST:PORT (a bare PORT, which the Python takes, is bad usage);
//! - the server's first line on stdout is `Listening on HOST:PORT` (the
//!   Python's `listening on` goes to stderr), so port 0 can be used;
//! - the server talks with the first client that speaks and ignores anyone
//!   else (a line on stderr), whose `88` ends nothing;
//! - the client connects its socket to the first of ADDR's addresses, so
//!   only its server is heard, "no server there" is said instead of waited
//!   for, and a server that has gone ends the chat with a line;
//! - end of input says `88` for you; with stdin piped (no Enter echoed),
//!   the prompt's line is ended for you;
//! - a line over 1024 bytes (what the peer reads at once) is asked again
//!   rather than sent;
//! - received text that is not UTF-8 gets replacement characters, and
//!   control characters are shown as `\u{1b}`, never sent raw to the terminal;
//!   one trailing newline is dropped, so `88` and a newline (`nc -u`) is `88`.
//!
//! `examples/udp_chat_duplex.rs` is the next step: both sides type at any time.

mod client;
mod server;

use std::io::{self, BufRead, ErrorKind, IsTerminal, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::{env, process};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str = "usage: udp-chat server [ADDR]   (ADDR: HOST:PORT, default 127.0.0.1:9000)
       udp-chat client [ADDR]   (the client speaks first; 88 or end of input ends both)";
const NO_ROLE: &str = "say which side to run: `cargo run -p udp-chat -- server` in one terminal, \
                       then `cargo run -p udp-chat -- client` in another";
/// The longest line sent: what the peer's recvfrom(1024) reads at once.
const LINE_MAX: usize = 1024;

fn main() {
    let mut role = None;
    let mut addr = None;
    for arg in env::args_os().skip(1) {
        match arg.to_str() {
            Some("-h" | "--help") => quit(0, USAGE),
            None => usage_error(&format!(
                "argument `{}` is not valid UTF-8",
                arg.to_string_lossy()
            )),
            Some(a) if a.starts_with('-') => usage_error(&format!("unknown option `{a}`")),
            Some("server") if role.is_none() => role = Some("server".to_string()),
            Some("client") if role.is_none() => role = Some("client".to_string()),
            Some(a) if role.is_none() => usage_error(&format!(
                "unknown role `{a}`: expected `server` or `client`"
            )),
            Some(a) if addr.is_some() => usage_error(&format!("unexpected argument `{a}`")),
            Some(a) if !is_host_port(a) => usage_error(&format!(
                "bad ADDR `{a}`: expected HOST:PORT, e.g. 127.0.0.1:9999"
            )),
            Some(a) => addr = Some(a.to_string()),
        }
    }
    let Some(role) = role else {
        usage_error(NO_ROLE)
    };
    let addr = addr.unwrap_or_else(|| DEFAULT_ADDR.to_string());
    let result = if role == "server" {
        server::run(&addr)
    } else {
        client::run(&addr)
    };
    if let Err(e) = result {
        quit(1, &format!("udp-chat {role}: {e}"));
    }
}

// ---- arguments

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
    quit(2, &format!("udp-chat: {why}\n\n{USAGE}"))
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

// ---- the client's socket

/// The client's socket: the first of ADDR's addresses in the resolver's
/// order (the one the server's bind takes, so a name such as `localhost`
/// meets its server), a socket of its family on a free port, connected to
/// it; and how errors name it (see `at`).
fn connect(addr: &str) -> io::Result<(UdpSocket, String)> {
    let mut ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let Some(ip) = ips.next() else {
        let e = io::Error::new(ErrorKind::NotFound, "the name has no address");
        return Err(context("cannot resolve", addr, e));
    };
    let server = at(addr, ip);
    let any = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let socket = UdpSocket::bind(any).map_err(|e| context("cannot open", any, e))?;
    socket
        .connect(ip)
        .map_err(|e| context("cannot use", &server, e))?;
    Ok((socket, server))
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

// ---- errors

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        // A "port unreachable" came back: Linux says refused, Windows reset.
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionReset => {
            "; is the server running? `cargo run -p udp-chat -- server`"
        }
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// A failed receive, `e`. "Port unreachable" came back for a datagram we
/// sent (`ConnectionRefused` on Linux, `ConnectionReset` on Windows): UDP
/// has no close, so this is how a side learns that the `peer` it has heard
/// from has gone. That ends the chat with a line (Ok); anything else, or
/// before the peer was heard (`None`), stays an error.
fn gone(role: &str, peer: Option<SocketAddr>, e: io::Error) -> io::Result<()> {
    let Some(peer) = peer else {
        return Err(e); // nobody heard yet: no peer there
    };
    if e.kind() == ErrorKind::ConnectionRefused || e.kind() == ErrorKind::ConnectionReset {
        warn(role, &format!("{peer} has gone, the chat is over"));
        return Ok(());
    }
    Err(e)
}

/// `udp-chat ROLE: WHAT` on stderr; a closed stderr is no reason to panic.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "udp-chat {role}: {what}");
}

// ---- the console

/// print(): one line on stdout. A stdout that fails (a full disk,
/// `> /dev/full`) ends the program; one whose reader has gone (`| head -1`)
/// does not: the line is dropped and the program goes on.
fn print(line: &str) -> io::Result<()> {
    match writeln!(io::stdout(), "{line}") {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// input()'s prompt: it has no newline, so it is flushed to be seen at once.
fn prompt(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout();
    let result = match write!(stdout, "{text}") {
        Ok(()) => stdout.flush(),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(console(e)),
        _ => Ok(()),
    }
}

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// input('请输入:'): one line from the keyboard, without its newline. End of
/// input (where Python raises EOFError) says `88` for you. A line longer
/// than the peer reads at once (recv(1024)) is refused, skipped to its
/// newline, and asked again, so no read grows without bound.
fn input(role: &str) -> io::Result<String> {
    let mut stdin = io::stdin().lock();
    loop {
        prompt("请输入:")?;
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let mut limited = (&mut stdin).take(LINE_MAX as u64 + 2);
        let n = limited.read_until(b'\n', &mut line).map_err(console)?;
        if n == 0 {
            print("")?; // end the prompt's line
            warn(role, "end of input, saying 88");
            return Ok("88".to_string());
        }
        if !io::stdin().is_terminal() {
            print("")?; // no Enter was echoed: end the prompt's line ourselves
        }
        if !line.ends_with(b"\n") && n == LINE_MAX + 2 {
            stdin.skip_until(b'\n').map_err(console)?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() <= LINE_MAX {
            return Ok(text);
        }
        warn(role, "not sent: a line is at most 1024 bytes; type less");
    }
}

/// What a peer sent, as a line for the terminal: lossy UTF-8, one trailing
/// newline dropped, every control character but tab escaped (`\u{1b}`) so a
/// peer cannot drive the terminal.
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_newline(data));
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
