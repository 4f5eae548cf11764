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
//! waits a second for the "port unreachable" the 88 may bring back, then
//! leaves: there is no hang-up to wait for.
//!
//! Differences from the Python versions, besides udp-chat's (default
//! 127.0.0.1:9000, ADDR as HOST:PORT, `Listening on HOST:PORT` first,
//! strangers ignored, lines over 1024 bytes asked again, text shown
//! escaped, `88` and a newline taken as `88`): there is no `请输入:` prompt,
//! since a message may arrive while you type and would land after it; end
//! of input says `88` without a word.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str =
    "usage: udp_chat_duplex server [ADDR]   (ADDR: HOST:PORT, default 127.0.0.1:9000)
       udp_chat_duplex client [ADDR]   (both type at any time; 88 or end of input ends both)";
const NO_ROLE: &str = "say which side to run: \
                       `cargo run -p udp-chat --example udp_chat_duplex -- server` in one terminal, \
                       then `cargo run -p udp-chat --example udp_chat_duplex -- client` in another";
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
    if let Err(e) = run(&role, &addr) {
        quit(1, &format!("udp_chat_duplex {role}: {e}"));
    }
}

fn run(role: &str, addr: &str) -> io::Result<()> {
    if role == "server" {
        // 创建socket + 绑定: UdpSocket::bind does both. It is connected to
        // its client when that speaks (see chat()).
        let socket = UdpSocket::bind(addr).map_err(|e| context("cannot bind", addr, e))?;
        print(&format!("Listening on {}", socket.local_addr()?))?;
        chat(socket, role, "cannot chat on", addr)
    } else {
        // 创建socket, connected to the server: see connect().
        let (socket, server) = connect(addr)?;
        chat(socket, role, "no server at", &server)
    }
}

/// The chat on `socket`: the keyboard thread sends, this thread receives.
/// Errors say `doing` and `place` (`no server at 127.0.0.1:9000`): the
/// same words from either thread, whichever meets the error first.
fn chat(socket: UdpSocket, role: &str, doing: &str, place: &str) -> io::Result<()> {
    // try_clone(): a second handle on the same socket, for the keyboard
    // thread. The thread may outlive this function, so it gets copies of
    // all it uses (`move`): `socket2`, `role2` and so on.
    let socket2 = socket.try_clone()?;
    let role2 = role.to_string();
    let doing2 = doing.to_string();
    let place2 = place.to_string();
    // Builder::spawn, not thread::spawn: a thread the OS refuses is an
    // error to say, where thread::spawn would panic.
    let spawned = thread::Builder::new().spawn(move || {
        if let Err(e) = keyboard(&socket2, &role2, &doing2, &place2) {
            quit(1, &format!("udp_chat_duplex {role2}: {e}"));
        }
        // Our 88 is sent. The "port unreachable" it may bring back (no
        // server there, or it has gone) is the main thread's to say: it is
        // given a second. Then the program ends here, for the main thread
        // waits in recv_from() for a datagram that may never come.
        thread::sleep(Duration::from_secs(1));
        let _stderr = io::stderr().lock(); // a line being written is finished first
        process::exit(0)
    });
    spawned.map_err(|e| context("cannot start", "the keyboard thread", e))?;

    // This thread: the socket. One datagram is one message.
    let mut who = "服务端"; // 收到服务端消息: the client hears from its server
    if role == "server" {
        who = "客户端";
    }
    let mut peer: Option<SocketAddr> = None; // the other side, once heard
    let mut data = [0; 65536]; // room for any datagram: see udp-chat's server.rs
    loop {
        let (n, from) = match socket.recv_from(&mut data) {
            Ok(pair) => pair,
            Err(e) => {
                let e = context(doing, place, e);
                return gone(role, peer, e);
            }
        };
        let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
        // A stranger's datagram that came before the server's connect()
        // below is already queued: ignored here (the kernel drops later ones).
        if peer.is_some() && peer != Some(from) {
            warn(role, &format!("ignoring stranger {from}"));
            continue;
        }
        if peer.is_none() && role == "server" {
            // The first client that speaks is the chat's: the keyboard
            // thread now sends to it, and no one else is heard.
            socket.connect(from).map_err(|e| context(doing, place, e))?;
        }
        peer = Some(from);
        let text = show(&data[..n]);
        print(&format!("收到{who}消息: {text}"))?;
        if text == "88" {
            return Ok(()); // the peer has left: so do we, keyboard thread and all
        }
    }
}

/// The keyboard thread: each line typed is one datagram to the peer. After
/// `88`, typed or said for you at end of input, the thread is done.
fn keyboard(socket: &UdpSocket, role: &str, doing: &str, place: &str) -> io::Result<()> {
    loop {
        let line = input(role)?;
        // The socket's peer: the client's has its server from the start; the
        // server's has one once the main thread has connect()ed it to the
        // first client that spoke, and until then nobody is there to send to.
        match socket.peer_addr() {
            Ok(_) => {
                socket
                    .send(line.as_bytes())
                    .map_err(|e| context(doing, place, e))?;
            }
            Err(_) => warn(role, "no client has spoken yet, nobody to send to"),
        }
        if line == "88" {
            return Ok(());
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
    quit(2, &format!("udp_chat_duplex: {why}\n\n{USAGE}"))
}

/// Ends the program: `--help` (code 0) on stdout, anything else on stderr.
/// Stderr stays locked until the exit, so that the other thread can neither
/// end the program halfway through this line nor write another.
fn quit(code: i32, text: &str) -> ! {
    let mut stderr = io::stderr().lock();
    if code == 0 {
        let _ = writeln!(io::stdout(), "{text}"); // a closed stdout is no reason to panic
    } else {
        let _ = writeln!(stderr, "{text}");
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
            "; is the server running? start it with `cargo run -p udp-chat --example udp_chat_duplex -- server`"
        }
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// A failed receive, `e`. "Port unreachable" from the `peer` we have heard
/// (see the top of this file) means that it has gone: the chat is over,
/// said in a line (Ok). Anything else, or before the peer was heard
/// (`None`: no server there), stays an error.
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

/// `udp_chat_duplex ROLE: WHAT` on stderr; a closed stderr is no reason to panic.
fn warn(role: &str, what: &str) {
    let _ = writeln!(io::stderr(), "udp_chat_duplex {role}: {what}");
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

/// One line from the keyboard, without its newline (no prompt: see the
/// top of this file). End of input says `88` for you. A
/// line longer than the peer reads at once (recv(1024)) is refused and
/// skipped to its newline, so no read grows without bound. An empty line
/// is sent as an empty datagram, as udp-chat and Python's sendto(b'') do.
fn input(role: &str) -> io::Result<String> {
    let mut stdin = io::stdin().lock();
    loop {
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let mut limited = (&mut stdin).take(LINE_MAX as u64 + 2);
        let n = limited.read_until(b'\n', &mut line).map_err(console)?;
        if n == 0 {
            return Ok("88".to_string()); // said without a word, as tcp_chat_duplex does
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
