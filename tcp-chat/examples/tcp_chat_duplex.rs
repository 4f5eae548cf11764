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
//! Differences from article 000's turn-taking chat (`tcp-chat`):
//! - one thing changes on the wire: each message ends with a newline. With
//!   turns, one read was one message; now two lines typed quickly can
//!   arrive in one read (TCP keeps no message boundaries, article 004), and
//!   `88` glued to the line before it would go unnoticed. So the two duplex
//!   programs talk to each other, not to `tcp-chat` or the Python versions;
//! - there is no `请输入:` prompt, since a message may arrive while you type
//!   and a prompt would be cut through;
//! - a line over 1024 bytes is refused and asked again, as in `tcp-chat`;
//! - the client waits at most 10 s to connect, and a side waits at most
//!   10 s for the peer to take a message (then leaves, exit 1);
//! - after saying `88` a side gives the peer a few seconds to close, then
//!   leaves anyway;
//! - a peer that leaves without `88` is said on stderr (after the text it
//!   sent before a reset, even without its newline);
//! - what a peer sends is shown with control characters escaped (`\u{1b}`);
//! - as in `tcp-chat`: ADDR is HOST:PORT (a bare PORT is bad usage), the
//!   server says `Listening on HOST:PORT` first, and once it has its client
//!   it closes its listening socket (a second client is refused, not left
//!   waiting).

use std::io::{self, BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, atomic::AtomicBool, atomic::Ordering};
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:6666";
const USAGE: &str = "usage: tcp_chat_duplex server [ADDR]   (start it first; both type any time)
       tcp_chat_duplex client [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:6666)";
const NO_ROLE: &str = "say which side to run: \
    `cargo run -p tcp-chat --example tcp_chat_duplex -- server` in one terminal, \
    then `cargo run -p tcp-chat --example tcp_chat_duplex -- client` in another";
/// The longest line we send: what the other chats' peers read at once.
const LINE_MAX: usize = 1024;
/// How long the peer has to close after our 88 before we leave anyway.
const GRACE_SECS: u64 = 3;
/// A peer that never sends a newline cannot make us hold more than this.
const PIECE_MAX: u64 = 64 * 1024;

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
            Some("server") if role.is_none() => role = Some("server"),
            Some("client") if role.is_none() => role = Some("client"),
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
    if let Err(e) = run(role, &addr) {
        quit(1, &format!("tcp_chat_duplex {role}: {e}"));
    }
}

fn run(role: &str, addr: &str) -> io::Result<()> {
    // The socket, and the peer's name for our messages: `client IP:PORT` or `server ADDR`.
    let (socket, peer) = if role == "server" {
        accept_client(addr)?
    } else {
        (connect(addr)?, format!("server {addr}"))
    };
    // The server's first look at its client waited half a second at most;
    // from here on we wait as long as the people take to type.
    socket.set_read_timeout(None)?;
    // try_clone(): a second handle on the same socket, so that one thread
    // can write while the other is blocked reading.
    let sender = socket.try_clone()?;
    // A peer that reads nothing cannot hold a send for ever: 10 s, as the other waits.
    sender.set_write_timeout(Some(Duration::from_secs(10)))?;
    // Set by the keyboard thread when it sends our 88, read by this one: the
    // peer's close that follows is its answer, not "peer gone". Arc: both
    // threads own the flag; the clone below is what the new thread owns.
    let said_88 = Arc::new(AtomicBool::new(false));
    let said_88_too = Arc::clone(&said_88);
    // The keyboard thread's own copies of our role and the peer's name.
    let role_too = role.to_string();
    let peer_too = peer.clone();
    // Builder, not thread::spawn: a thread the OS refuses is an error, not a panic.
    thread::Builder::new().spawn(move || keyboard(sender, &role_too, &peer_too, &said_88_too))?;

    // This thread: the socket. One line is one message.
    let mut who = "服务端"; // 收到服务端消息: the client hears from its server
    if role == "server" {
        who = "客户端";
    }
    let mut lines = BufReader::new(socket);
    loop {
        let mut line = Vec::new();
        // recv(): up to the newline, but at most PIECE_MAX bytes (take), so a
        // peer that never sends a newline cannot fill our memory: the rest
        // of such a line comes as the next message.
        match (&mut lines).take(PIECE_MAX).read_until(b'\n', &mut line) {
            Ok(0) => return closed(role, &peer, &said_88),
            Ok(_) => {}
            Err(e) => {
                // A reset may come right after text without its newline: shown first.
                if !line.is_empty() {
                    print(&format!("收到{who}消息: {}", show(&line)))?;
                }
                return gone(role, &peer, &said_88, e);
            }
        }
        let message = show(&line);
        print(&format!("收到{who}消息: {message}"))?;
        if message == "88" {
            return Ok(()); // main returns next, which ends the keyboard thread too
        }
    }
}

/// The server's side: bind + listen + accept the one client, and its name
/// for our messages. A client that leaves at once, before a word (a port
/// scan, a health check), does not take the only seat. Only its first half
/// second is watched, so that the server's user may still speak first to a
/// client that has not said anything yet. Returning drops the listener:
/// a second client is refused, not left waiting.
fn accept_client(addr: &str) -> io::Result<(TcpStream, String)> {
    let listener = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    print(&format!("Listening on {}", listener.local_addr()?))?;
    loop {
        let (socket, client_addr) = match listener.accept() {
            Ok(pair) => pair,
            // A failed accept (a client that reset while queued) loses that
            // client, not the server; the pause keeps an error that persists
            // (no file descriptors left) from spinning.
            Err(e) => {
                warn("server", &format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // print('客户端已连接:', client_addr), as Python prints the (ip, port) tuple
        // of its IPv4 socket; an IPv6 client is shown as a pair too (Python's
        // 4-tuple would cost a function here, for a case the article never has).
        let ip = client_addr.ip();
        let port = client_addr.port();
        print(&format!("客户端已连接: ('{ip}', {port})"))?;
        let peer = format!("client {client_addr}");
        socket.set_read_timeout(Some(Duration::from_millis(500)))?;
        let mut first = [0; 1];
        match socket.peek(&mut first) {
            Ok(0) => {} // closed at once
            Ok(_) => return Ok((socket, peer)),
            // Silent: the server's user may speak first. A read timeout is
            // WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                return Ok((socket, peer));
            }
            Err(_) => {} // reset
        }
        let why = format!("{peer} left without a word, waiting for the next one");
        warn("server", &why);
    }
}

/// The keyboard thread: sends each line typed, with its newline (an empty
/// line is an empty message), to `peer`. After `88` (typed, or end of
/// input) it shuts down the sending half: the peer reads the 88, ends, and
/// its close ends our reading thread in turn. A peer that does not close is
/// given a few seconds, then we leave all the same. A keyboard that cannot
/// be read, or a peer that does not take what we send within 10 s, ends
/// the program, exit 1.
/// A send that fails ends this thread: the connection is gone, and the
/// reading thread says so.
fn keyboard(mut socket: TcpStream, role: &str, peer: &str, said_88: &AtomicBool) {
    let stuck = format!(
        "tcp_chat_duplex {role}: {peer} did not take what we sent within 10 s, the chat is over"
    );
    let bye = format!("{peer} did not close within {GRACE_SECS} s of our 88, leaving");
    loop {
        // End of input says 88; a keyboard that cannot be read ends the program.
        let typed = match input(role) {
            Ok(Some(line)) => line,
            Ok(None) => "88".to_string(),
            Err(e) => quit(1, &format!("tcp_chat_duplex {role}: {}", console(e))),
        };
        // Told before the send: the peer may close as soon as it reads our 88.
        // SeqCst, the plainest ordering: both threads see the flag alike.
        said_88.store(typed == "88", Ordering::SeqCst);
        // One send (write, not write_all): it returns once all is sent, or
        // with what was taken when its 10 s are up, so it waits 10 s at most.
        let message = format!("{typed}\n");
        let sent = match socket.write(message.as_bytes()) {
            Ok(sent) => sent,
            // None of it: a write timeout is WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                quit(1, &stuck)
            }
            Err(_) => return, // the connection is gone: the reading thread says so
        };
        if sent < message.len() {
            quit(1, &stuck); // part of it taken in 10 s
        }
        if typed == "88" {
            let _ = socket.shutdown(Shutdown::Write); // already gone: the reader says so
            thread::sleep(Duration::from_secs(GRACE_SECS));
            // Still here: the peer has not closed, and the main thread is
            // blocked reading it. Ending this thread would leave it blocked;
            // exit ends the whole program.
            warn(role, &bye);
            process::exit(0);
        }
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
    quit(2, &format!("tcp_chat_duplex: {why}\n\n{USAGE}"))
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
/// order, each given 10 s, so a server that drops our SYNs cannot hang us.
fn connect(addr: &str) -> io::Result<TcpStream> {
    let ips = addr
        .to_socket_addrs()
        .map_err(|e| context("cannot resolve", addr, e))?;
    let mut last_error = io::Error::other(format!("{addr}: the name has no address"));
    for ip in ips {
        match TcpStream::connect_timeout(&ip, Duration::from_secs(10)) {
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
        ErrorKind::ConnectionRefused => "; is the server running? start it first",
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        // A timeout is WouldBlock on Unix, TimedOut on Windows (and for a connect).
        ErrorKind::WouldBlock | ErrorKind::TimedOut => "; no answer within 10 s",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// The peer reset the connection or it broke: as closed() below. Any other
/// failure stays an error.
fn gone(role: &str, peer: &str, said_88: &AtomicBool, e: io::Error) -> io::Result<()> {
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            closed(role, peer, said_88)
        }
        _ => Err(context("the chat with", peer, e)),
    }
}

/// The peer closed the connection: after our 88 that is its answer;
/// before it, the chat is over without one, said in one line.
fn closed(role: &str, peer: &str, said_88: &AtomicBool) -> io::Result<()> {
    if !said_88.load(Ordering::SeqCst) {
        let what = format!("{peer} closed the connection, the chat is over");
        warn(role, &what);
    }
    Ok(())
}

/// One line on stderr, `tcp_chat_duplex ROLE: what`; a closed stderr is no
/// reason to stop.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "tcp_chat_duplex {role}: {what}");
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

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// input(): one line from the keyboard, without its newline, or `None` at
/// end of input. No prompt: both sides type at any time. A line longer
/// than 1024 bytes is refused, skipped to its newline, and asked again, so
/// no read grows without bound.
fn input(role: &str) -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    loop {
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let n = (&mut stdin)
            .take(LINE_MAX as u64 + 2)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") && n == LINE_MAX + 2 {
            stdin.skip_until(b'\n')?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() > LINE_MAX {
            let why =
                "not sent: a line is at most 1024 bytes, what the peer reads at once; type less";
            warn(role, why);
            continue;
        }
        return Ok(Some(text));
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
