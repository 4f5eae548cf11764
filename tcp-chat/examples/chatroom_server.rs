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
//! Where the article's code misbehaves, this does what its text means: its
//! server goes on printing `b''` and prompting after the client has gone
//! (`recv` returns nothing once the peer has closed), this one ends with a
//! line on stderr. Also: ADDR defaults to loopback (the article binds
//! 0.0.0.0, every interface: pass `0.0.0.0:9000` for that); a client that
//! leaves before saying anything does not take the only seat; an empty
//! line is asked again (sending nothing, both sides would wait for ever),
//! and so is a line over 1024 bytes (the client's recv(1024) would take it
//! in pieces, out of turn); end of input closes the connection.

use std::io::{self, BufRead, ErrorKind::*, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, fmt::Display, process::ExitCode, thread, time::Duration};

fn run(addr: &str) -> io::Result<()> {
    // s = socket(AF_INET, SOCK_STREAM); s.bind(...); s.listen(1): TcpListener::bind is all three.
    let s = TcpListener::bind(addr).map_err(|e| context("cannot listen on", addr, e))?;
    say(&format!("Listening on {}", s.local_addr()?));
    say("is listening...");
    let (mut fd, addr) = loop {
        match s.accept() {
            // fd, addr = s.accept(); print(fd.getpeername(), "is connected"): the
            // address accept() gave; fd.send("welcome to connect !"). A client that
            // leaves before saying anything (a port scan) does not take the only seat.
            Ok((mut fd, addr)) => {
                say(&format!("{} is connected", tuple(addr)));
                let welcomed = fd
                    .write_all(b"welcome to connect !")
                    .and_then(|()| fd.peek(&mut [0]));
                if matches!(welcomed, Ok(1..)) {
                    break (fd, addr);
                }
                warn(format!(
                    "client {addr} left without a word, waiting for the next one"
                ));
            }
            // A failed accept loses that client, not the server; the pause keeps an
            // error that persists (no file descriptors left) from spinning.
            Err(e) => {
                warn(format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
            }
        }
    };
    drop(s); // one client, as in the article: nobody else is accepted
    chat(&mut fd).or_else(|e| gone(e, &addr.to_string()))
}

fn chat(fd: &mut TcpStream) -> io::Result<()> {
    let mut data1 = [0; 1024];
    loop {
        // 接收消息: recv_meg(): data1 = fd.recv(1024); print("收到客户端消息:", data1).
        // Nothing received means the client has gone (the article goes on
        // printing b'' and prompting for ever): the chat is over.
        let n = fd.read(&mut data1).and_then(|n| {
            if n > 0 {
                Ok(n)
            } else {
                Err(UnexpectedEof.into())
            }
        })?;
        say(&format!("收到客户端消息: {}", repr(&data1[..n])));
        // 发送消息: send_msg(): print("请输入:"); data0 = input(); fd.send(data0)
        let Some(data0) = input() else { return Ok(()) };
        fd.write_all(&data0)?;
        say("已发送");
    }
}

/// print("请输入:"); input(): a line without its newline, asked again while
/// empty or longer than the client's recv(1024) (it would arrive in pieces
/// and put the turns out of step); None at end of input (or a keyboard
/// that cannot be read), which ends the chat.
fn input() -> Option<Vec<u8>> {
    loop {
        say("请输入:");
        let mut line = Vec::new();
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        if io::stdin()
            .lock()
            .take(1 << 26)
            .read_until(b'\n', &mut line)
            .unwrap_or(0)
            == 0
        {
            warn("end of input, closing the connection");
            return None;
        }
        let data0 = line
            .strip_suffix(b"\n")
            .map_or(&line[..], |l| l.strip_suffix(b"\r").unwrap_or(l));
        match data0.len() {
            0 => {}
            1..=1024 => return Some(data0.to_vec()),
            n => warn(format!(
                "{n} bytes is too long, the peer reads at most 1024: type less"
            )),
        }
    }
}

/// Python's repr() of bytes, which print() shows: `b'hi\n'`. Every byte
/// that is not printable ASCII is written `\xNN`, so a peer cannot drive
/// the terminal.
fn repr(data: &[u8]) -> String {
    let text = data.escape_ascii().to_string().replace("\\\"", "\""); // Python leaves " alone
    match data.contains(&b'\'') && !data.contains(&b'"') {
        true => format!("b\"{}\"", text.replace("\\'", "'")), // and quotes b"it's" so
        false => format!("b'{text}'"),
    }
}

/// The address as Python prints it: `('127.0.0.1', 40278)`, for IPv6
/// `('::1', 40278, 0, 0)`.
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

const USAGE: &str = "usage: chatroom_server [ADDR]   (ADDR is HOST:PORT, default 127.0.0.1:9000; 0.0.0.0:9000 listens everywhere)";

fn main() -> ExitCode {
    match args() {
        Ok(Some(addr)) => ExitCode::from(u8::from(run(&addr).inspect_err(|e| warn(e)).is_err())),
        Ok(None) => ExitCode::from(writeln!(io::stdout(), "{USAGE}").map_or(1, |()| 0)),
        Err(why) => {
            warn(format!("{why}\n\n{USAGE}"));
            ExitCode::from(2)
        }
    }
}

/// ADDR from the command line (None: help was asked for), or what is wrong.
fn args() -> Result<Option<String>, String> {
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
    let addr = match &args[..] {
        [] => "127.0.0.1:9000",
        [addr] => addr,
        [_, extra, ..] => return Err(format!("unexpected argument `{extra}`")),
    };
    bad_addr(addr).map_or(Ok(Some(addr.into())), Err)
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
    let hint = if e.kind() == AddrInUse {
        "; address in use: pass another ADDR, e.g. 127.0.0.1:0"
    } else {
        ""
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}

/// The client closed or reset the connection: the chat is over, said in
/// one line. Any other failure stays an error.
fn gone(e: io::Error, client: &str) -> io::Result<()> {
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            warn(format!(
                "client {client} closed the connection, the chat is over"
            ));
            Ok(())
        }
        _ => Err(context("the chat with", client, e)),
    }
}

/// print(): a line on stdout (flushed there by its newline). A closed
/// stdout must not end the chat (println! would panic on it).
fn say(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}

/// `chatroom_server: WHAT` on stderr, for our own lines. A closed stderr
/// must not turn them into a panic (eprintln! would).
fn warn(what: impl Display) {
    let _ = writeln!(io::stderr(), "chatroom_server: {what}");
}
