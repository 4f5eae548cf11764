//! 客户端程序 of article 002's python聊天室 (`chatroom_client.py`): connects
//! (`连接成功!`), then turns: type a message (`请输入:`, `已发送!`), print the
//! answer as Python prints bytes (`收到服务端内容:`, `b'...'`), and choose
//! (`请选择:任意.继续聊天  0.退出`): `0` quits, anything else goes on.
//!
//! ```text
//! cargo run -p tcp-chat --example chatroom_server    # terminal 1, first: 127.0.0.1:9000
//! cargo run -p tcp-chat --example chatroom_client    # terminal 2
//! ```
//!
//! Where the article's code misbehaves, this does what its text means:
//! `0` quits (the article compares the string it read with the number 0,
//! so it never did); the server's welcome is read on connecting (the
//! article reads it as the first answer, so every answer came one turn
//! late); `未收到数据` is printed when the server has closed (the article
//! tests `recv()` for None, which it never returns), and the chat ends.
//! Also: an empty line is asked again (sending nothing, both sides would
//! wait for ever), and so is a line over 1024 bytes (the server's recv(1024)
//! would take it in pieces, out of turn); a welcome that does not come
//! within 10 s (a silent server, or one busy with another client) ends the
//! client with a line on stderr, exit 1; end of input quits.

use std::io::{self, BufRead, ErrorKind::*, Read, Write};
use std::net::TcpStream;
use std::{env, fmt::Display, process::ExitCode, time::Duration};

fn run(addr: &str) -> io::Result<()> {
    // s = socket(AF_INET, SOCK_STREAM); s.connect(('127.0.0.1', 9000)): one call.
    let mut s = TcpStream::connect(addr).map_err(|e| context("cannot connect to", addr, e))?;
    say("连接成功!");
    // The server greets at once. The article reads the welcome as if it were
    // the first answer, which puts every answer one turn late: read it here,
    // waiting 10 s at most (it is due; a server busy with another client
    // never sends it). Answers come from a person: they may take any time.
    let welcome = s
        .set_read_timeout(Some(Duration::from_secs(10)))
        .and_then(|()| recv_scok(&mut s));
    welcome
        .and_then(|()| s.set_read_timeout(None))
        .and_then(|()| chat(&mut s))
        .or_else(|e| gone(e, addr))
    // s.close(): the socket is closed when it is dropped.
}

fn chat(s: &mut TcpStream) -> io::Result<()> {
    loop {
        // print("请输入:"); make_sock(): send_data = input(); s.send(send_data); print("已发送!")
        let Some(send_data) = input("请输入:", true) else {
            return Ok(());
        };
        s.write_all(&send_data)?;
        say("已发送!");
        // 接收消息: recv_scok()
        recv_scok(s)?;
        // print("请选择:任意.继续聊天  0.退出"); a = input(); flag = a: `0` quits
        // (the article compares the string a with the number 0, so it never did);
        // so does end of input.
        if input("请选择:任意.继续聊天  0.退出", false).is_none_or(|a| a == b"0") {
            return Ok(());
        }
    }
}

/// recv_scok(): get_data = s.recv(1024), printed as print(get_data) does.
/// The article tests `get_data is None`, which recv() never returns; an
/// empty read is what means the server has closed: `未收到数据`, and the
/// chat is over.
fn recv_scok(s: &mut TcpStream) -> io::Result<()> {
    let mut get_data = [0; 1024];
    let n = s.read(&mut get_data)?;
    if n == 0 {
        say("未收到数据");
        return Err(UnexpectedEof.into());
    }
    say(&format!("收到服务端内容:\n{}", repr(&get_data[..n])));
    Ok(())
}

/// print(prompt); input(): a line without its newline; None at end of input
/// (or a keyboard that cannot be read), which quits. A `message` is asked
/// again while empty or longer than the server's recv(1024) (it would
/// arrive in pieces and put the turns out of step).
fn input(prompt: &str, message: bool) -> Option<Vec<u8>> {
    loop {
        say(prompt);
        let mut line = Vec::new();
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        if io::stdin()
            .lock()
            .take(1 << 26)
            .read_until(b'\n', &mut line)
            .unwrap_or(0)
            == 0
        {
            warn("end of input, quitting");
            return None;
        }
        let data = line
            .strip_suffix(b"\n")
            .map_or(&line[..], |l| l.strip_suffix(b"\r").unwrap_or(l));
        match data.len() {
            n if n > 1024 && message => warn(format!(
                "{n} bytes is too long, the peer reads at most 1024: type less"
            )),
            0 if message => {}
            _ => return Some(data.to_vec()),
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

const USAGE: &str =
    "usage: chatroom_client [ADDR]   (ADDR is HOST:PORT of the server, default 127.0.0.1:9000)";

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
    let hint = match e.kind() {
        ConnectionRefused => "; is the server running? start chatroom_server first",
        // A read timeout (WouldBlock on Unix, TimedOut on Windows): only the welcome has one.
        WouldBlock | TimedOut => {
            "; no welcome in 10 s: not chatroom_server, or busy with another client?"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{action} {addr}: {e}{hint}"))
}

/// The server closed or reset the connection: the chat is over, said in
/// one line. Any other failure stays an error.
fn gone(e: io::Error, server: &str) -> io::Result<()> {
    match e.kind() {
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe => {
            warn(format!(
                "server {server} closed the connection, the chat is over"
            ));
            Ok(())
        }
        _ => Err(context("the chat with", server, e)),
    }
}

/// print(): a line on stdout (flushed there by its newline). A closed
/// stdout must not end the chat (println! would panic on it).
fn say(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}

/// `chatroom_client: WHAT` on stderr, for our own lines. A closed stderr
/// must not turn them into a panic (eprintln! would).
fn warn(what: impl Display) {
    let _ = writeln!(io::stderr(), "chatroom_client: {what}");
}
