//! 服务器端程序 of article 002's python聊天室 (`chatroom_server.py`): one
//! client, greeted with `welcome to connect !`, then turns: receive and
//! print its message as Python prints bytes (`b'hello'`), then ask the
//! keyboard for the answer (`请输入:`) and send it (`已发送`).
//!
//! ```text
//! cargo run -p tcp-chat --example chatroom_server    # terminal 1, first: 127.0.0.1:9000
//! cargo run -p tcp-chat --example chatroom_client    # terminal 2
//! ```
//!
//! Differences from the article:
//! - its server goes on printing `b''` and prompting after the client has
//!   gone (`recv` returns nothing once the peer has closed), until a send
//!   finds the connection reset and it dies with a traceback
//!   (BrokenPipeError); this one ends with a line on stderr;
//! - ADDR defaults to loopback (the article binds 0.0.0.0, every
//!   interface: pass `0.0.0.0:9000` for that); it is HOST:PORT (a bare
//!   PORT, which the Python takes, is bad usage); `Listening on HOST:PORT`
//!   comes first on stdout;
//! - once it has its client it closes its listening socket: a second
//!   client is refused, not left waiting in the backlog;
//! - a client that leaves, or says nothing for 5 minutes (IDLE_SECS=N: N
//!   seconds), before its first message does not take the only seat;
//! - an empty line is asked again (sending nothing, both sides would wait
//!   for ever), and so is a line over 1024 bytes (the client's recv(1024)
//!   would take it in pieces, out of turn); end of input closes the
//!   connection.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::TcpListener;
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str = "usage: chatroom_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:9000; 0.0.0.0:9000 listens everywhere)";
/// The most the client reads at once (recv(1024)): the longest line we send.
const LINE_MAX: usize = 1024;

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("chatroom_server: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // s = socket(AF_INET, SOCK_STREAM); s.bind(...); s.listen(1): TcpListener::bind
    // is all three (with std's backlog of 128 where the article asks for 1).
    let s = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    print(&format!("Listening on {}", s.local_addr()?))?;
    print("is listening...")?;
    let idle_limit = idle();
    let (mut fd, peer) = loop {
        // fd, addr = s.accept()
        let (mut fd, addr) = match s.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client, not the server; the pause keeps
            // an error that persists (no file descriptors left) from spinning.
            Err(e) => {
                warn(&format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // print(fd.getpeername(), "is connected"): the address accept() gave, as
        // Python prints it for its IPv4 socket; an IPv6 client is shown as a pair
        // too (Python's 4-tuple would cost a function here, for a case the
        // article never has).
        print(&format!("('{}', {}) is connected", addr.ip(), addr.port()))?;
        let peer = format!("client {addr}");
        // fd.send("welcome to connect !"). A client already gone is no
        // error: the peek below says it left.
        let _ = fd.write_all(b"welcome to connect !");
        // Not in the article: a client that leaves, or says nothing for a
        // while, before its first message (a port scan, `nc` left open) does
        // not take the only seat. peek() waits for the first byte, leaving it
        // for the recv below.
        fd.set_read_timeout(Some(idle_limit))?;
        let left = format!("{peer} left without a word, waiting for the next one");
        let mut first = [0; 1];
        match fd.peek(&mut first) {
            Ok(0) => {
                warn(&left);
                continue;
            }
            Ok(_) => {}
            // A read timeout is WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                let secs = idle_limit.as_secs();
                warn(&format!(
                    "{peer} said nothing for {secs} s, waiting for the next one"
                ));
                continue;
            }
            Err(_) => {
                warn(&left); // it reset the connection
                continue;
            }
        }
        break (fd, peer);
    };
    // From its first message on, the client is a person typing: no limit.
    fd.set_read_timeout(None)?;
    // s.close(), early (the article never closes it): one client is all
    // this chat takes; a second is refused, not left waiting. fd is closed
    // where run returns.
    drop(s);
    let mut data1 = [0; 1024];
    loop {
        // 接收消息: recv_meg(): data1 = fd.recv(1024). Nothing received means
        // the client has gone (the article prints b'' and asks again, until a
        // send fails: BrokenPipeError).
        // TCP keeps no message boundaries: one recv is one message only
        // while the sides take turns.
        let n = match fd.read(&mut data1) {
            Ok(0) => return closed(&peer),
            Ok(n) => n,
            Err(e) => return gone(&peer, e),
        };
        print(&format!("收到客户端消息: {}", py_bytes(&data1[..n])))?;
        // 发送消息: send_msg(): print("请输入:"); data0 = input(); fd.send(data0)
        let Some(data0) = input("请输入:")? else {
            return Ok(());
        };
        if let Err(e) = fd.write_all(data0.as_bytes()) {
            return gone(&peer, e);
        }
        print("已发送")?;
    }
}

/// Python's repr() of bytes: `b'hi'`, with `\t`, `\n`, `\r`, `\\`, and
/// `\xNN` for every other byte outside printable ASCII (so `b'\x1b[2J'`): a
/// peer cannot drive the terminal. Rust's escape_ascii escapes as Python
/// does, but both quotes; Python escapes only the one it quotes with, and
/// quotes with " when the bytes hold a ' and no ".
fn py_bytes(data: &[u8]) -> String {
    let text = data.escape_ascii().to_string();
    if data.contains(&b'\'') && !data.contains(&b'"') {
        format!("b\"{}\"", text.replace("\\'", "'"))
    } else {
        format!("b'{}'", text.replace("\\\"", "\""))
    }
}

// ---- arguments

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
    quit(2, &format!("chatroom_server: {why}\n\n{USAGE}"))
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

// ---- errors

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::AddrInUse => "; address in use: pass another ADDR, e.g. 127.0.0.1:0",
        ErrorKind::PermissionDenied => {
            "; that port may be reserved (below 1024 needs root on Unix): pass another ADDR"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// The client reset the connection or it broke: the chat is over, said in
/// one line. Any other failure stays an error.
fn gone(peer: &str, e: io::Error) -> io::Result<()> {
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            closed(peer)
        }
        _ => Err(context("the chat with", peer, e)),
    }
}

/// The client closed the connection (recv() returned b''): the chat is
/// over, said in one line on stderr.
fn closed(peer: &str) -> io::Result<()> {
    warn(&format!("{peer} closed the connection, the chat is over"));
    Ok(())
}

/// One line on stderr, `chatroom_server: what`; a closed stderr is no
/// reason to stop.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "chatroom_server: {what}");
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

/// The error of a console that cannot be used.
fn console(e: io::Error) -> io::Error {
    context("cannot use", "the console (stdin/stdout)", e)
}

/// print(prompt); input(): one line from the keyboard, without its
/// newline, or `None` at end of input (where Python raises EOFError). An
/// empty line (nothing to send) and a line longer than the client reads at
/// once (recv(1024)) are asked again, the long one skipped to its newline,
/// so no read grows without bound. The prompt is a line of its own here,
/// as in the article.
fn input(prompt: &str) -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    loop {
        print(prompt)?;
        let mut line = Vec::new();
        // At most LINE_MAX bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let n = (&mut stdin)
            .take(LINE_MAX as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(console)?;
        if n == 0 {
            warn("end of input, closing the connection");
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
        if !text.is_empty() {
            return Ok(Some(text));
        }
    }
}

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
