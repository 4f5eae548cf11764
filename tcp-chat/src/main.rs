//! tcp-chat: the point-to-point chat over TCP of article 000
//! (Python进阶记录之网络编程(五): TCP点对点聊天; Python versions
//! `p2p_tcp_server.py` and `p2p_tcp_client.py`). Server and client take
//! turns, the client first; `88` from either side ends both.
//!
//! ```text
//! cargo run -p tcp-chat -- server       # terminal 1, first: 127.0.0.1:6666
//! cargo run -p tcp-chat -- client       # terminal 2: type, then wait for the answer
//! ```
//!
//! `server.rs` and `client.rs` are the two Python programs; this file reads
//! the arguments, picks one, and holds what they share: errors and the
//! console. Differences from the article:
//! - the address can be given as HOST:PORT (a bare PORT, which the Python
//!   takes, is bad usage); the server says `Listening on HOST:PORT` first,
//!   on stdout;
//! - the server's `88` ends the client too, and `88` with a newline (as
//!   `nc` sends it) counts as `88`;
//! - once the server has its client it closes its listening socket: a
//!   second client is refused, not left waiting;
//! - end of input says `88` for you; an empty line or one over the peer's
//!   1024-byte read is asked again, not sent;
//! - a peer that closes without `88` ends the chat with a line on stderr;
//! - the client waits at most 10 s to connect; a client that leaves, or
//!   says nothing for 5 minutes (IDLE_SECS=N: N seconds), before its first
//!   message does not take the server's only seat;
//! - received text that is not UTF-8 gets replacement characters, and
//!   control characters are shown escaped (`\u{1b}`), so a peer cannot
//!   drive your terminal.
//!
//! The turn-taking is the article's, and so is its limit (one side waits
//! while the other types): `examples/tcp_chat_duplex.rs` is the next step
//! the article promises.

mod client;
mod server;

use std::io::{self, BufRead, ErrorKind, IsTerminal, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::{env, process, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:6666";
const USAGE: &str = "usage: tcp-chat server [ADDR]   (start it first; the client speaks first)
       tcp-chat client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:6666; port 0: any free port)";
const NO_ROLE: &str = "say which side to run: `cargo run -p tcp-chat -- server` in one terminal, \
                       then `cargo run -p tcp-chat -- client` in another";
/// The most a peer reads at once (recv(1024)): the longest line we send.
const LINE_MAX: usize = 1024;
/// How long a connect may take.
const TIMEOUT: Duration = Duration::from_secs(10);

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
        quit(1, &format!("tcp-chat {role}: {e}"));
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
    quit(2, &format!("tcp-chat: {why}\n\n{USAGE}"))
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

// ---- connect

/// socket() + connect(): each of the name's addresses in the resolver's
/// order, each given TIMEOUT, so a server that drops our SYNs cannot hang us.
fn connect(addr: &str) -> io::Result<TcpStream> {
    let ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let mut last_error = io::Error::other(format!("{addr}: the name has no address"));
    for ip in ips {
        match TcpStream::connect_timeout(&ip, TIMEOUT) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = context("cannot connect to", &at(addr, ip), e),
        }
    }
    Err(last_error)
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:6666 (127.0.0.1:6666)`.
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
        ErrorKind::ConnectionRefused => {
            "; is the server running? start it first: `cargo run -p tcp-chat -- server`"
        }
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        // A timeout is WouldBlock on Unix, TimedOut on Windows (and for a connect).
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "; no answer within 10 s",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// The peer (`client 127.0.0.1:40278`) closed or reset the connection
/// without 88: the chat is over, said in one line on stderr. Any other
/// failure stays an error.
fn gone(role: &str, peer: &str, e: io::Error) -> io::Result<()> {
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            closed(role, peer)
        }
        _ => Err(context("the chat with", peer, e)),
    }
}

/// The peer closed the connection without 88 (recv() returned b''): the
/// chat is over, said in one line on stderr.
fn closed(role: &str, peer: &str) -> io::Result<()> {
    let what = format!("{peer} closed the connection, the chat is over");
    warn(role, &what);
    Ok(())
}

/// One line on stderr, `tcp-chat ROLE: what`; a closed stderr is no reason
/// to stop.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "tcp-chat {role}: {what}");
}

/// How long a client may stay silent before its first message: 5 minutes,
/// a person typing slowly; IDLE_SECS=N sets N seconds (the tests use 1).
fn idle() -> Duration {
    let secs = match env::var("IDLE_SECS") {
        Ok(text) => text.parse::<u64>().unwrap_or(0),
        Err(_) => 0,
    };
    if secs == 0 {
        return Duration::from_secs(300); // unset, not a number, or 0 (the OS refuses a zero timeout)
    }
    Duration::from_secs(secs)
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

/// input(prompt): one line from the keyboard, without its newline; end of
/// input (where Python raises EOFError) says 88 for you. An empty line is
/// no message (a TCP send of nothing sends nothing, and the peer would wait
/// for it for ever), and a line longer than the peer reads at once
/// (recv(1024)) would arrive in pieces, out of turn: both are asked again,
/// the long one skipped to its newline, so no read grows without bound.
fn input(role: &str, prompt_text: &str) -> io::Result<String> {
    let mut stdin = io::stdin().lock();
    loop {
        prompt(prompt_text)?;
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let n = (&mut stdin)
            .take(LINE_MAX as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(console)?;
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
        if text.len() > LINE_MAX {
            let why =
                "not sent: a line is at most 1024 bytes, what the peer reads at once; type less";
            warn(role, why);
            continue;
        }
        if !text.is_empty() {
            return Ok(text);
        }
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
