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
//! - `0` quits (the article compares the string it read with the number 0,
//!   so it never did); so does end of input;
//! - the server's welcome is read on connecting (the article reads it as
//!   the first answer, so every answer came one turn late);
//! - `未收到数据` is printed when the server has closed (the article tests
//!   `recv()` for None, which it never returns), and the chat ends.
//!
//! Also: an empty line is asked again (sending nothing, both sides would
//! wait for ever), and so is a line over 1024 bytes (the server's
//! recv(1024) would take it in pieces, out of turn); a connect or a welcome
//! that takes over 10 s (a silent server, or one busy with another client)
//! ends the client with a line on stderr, exit 1. ADDR is HOST:PORT (a
//! bare PORT, which the Python takes, is bad usage).

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::{env, process, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9000";
const USAGE: &str =
    "usage: chatroom_client [ADDR]   (ADDR is HOST:PORT of the server, default 127.0.0.1:9000)";
/// How long we wait for a connect and for the welcome.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The most the server reads at once (recv(1024)): the longest line we send.
const LINE_MAX: usize = 1024;

fn main() {
    let addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&addr) {
        quit(1, &format!("chatroom_client: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // s = socket(AF_INET, SOCK_STREAM); s.connect(('127.0.0.1', 9000)): one call.
    let mut s = connect(addr)?;
    print("连接成功!")?;
    // Not in the article: the server greets at once, and the article reads
    // the welcome as if it were the first answer, which puts every answer
    // one turn late: read it here, 10 s at most (a server busy with another
    // client never sends it). Answers come from a person: no limit.
    s.set_read_timeout(Some(TIMEOUT))?;
    let open = recv_scok(&mut s, addr)?;
    if !open {
        return Ok(());
    }
    s.set_read_timeout(None)?;
    // s.close() comes with each `return` below: leaving run drops (closes) s.
    loop {
        // print("请输入:"); make_sock(): send_data = input(); s.send(send_data); print("已发送!")
        let Some(send_data) = input("请输入:", Empty::AskAgain)? else {
            return Ok(());
        };
        if let Err(e) = s.write_all(send_data.as_bytes()) {
            return gone(addr, e);
        }
        print("已发送!")?;
        // 接收消息: recv_scok()
        let open = recv_scok(&mut s, addr)?;
        if !open {
            return Ok(());
        }
        // print("请选择:任意.继续聊天  0.退出"); a = input(); flag = a
        let Some(flag) = input("请选择:任意.继续聊天  0.退出", Empty::Take)? else {
            return Ok(());
        };
        // if flag == 0: s.close(); break. The article compares the string
        // with the number 0, so it never quit; `0` quits here.
        if flag == "0" {
            return Ok(());
        }
    }
}

/// recv_scok(): get_data = s.recv(1024), printed as print(get_data) prints
/// bytes. The article tests `get_data is None`, which recv() never
/// returns; an empty read is what means the server has closed: `未收到数据`.
/// Returns whether the connection is still open (false: the chat is over).
fn recv_scok(s: &mut TcpStream, addr: &str) -> io::Result<bool> {
    let mut get_data = [0; 1024];
    let n = match s.read(&mut get_data) {
        Ok(0) => {
            print("未收到数据")?;
            closed(addr);
            return Ok(false);
        }
        Ok(n) => n,
        Err(e) => {
            gone(addr, e)?; // a reset is said on stderr; another error ends run
            return Ok(false);
        }
    };
    print("收到服务端内容:")?;
    print(&py_bytes(&get_data[..n]))?;
    Ok(true)
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
    quit(2, &format!("chatroom_client: {why}\n\n{USAGE}"))
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
        ErrorKind::ConnectionRefused => "; is the server running? start chatroom_server first",
        // A timeout is WouldBlock on Unix, TimedOut on Windows (and for a connect).
        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
            "; no answer within 10 s: not chatroom_server, or busy with another client?"
        }
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

/// The server reset the connection or it broke: the chat is over, said in
/// one line (Ok). Any other failure stays an error.
fn gone(addr: &str, e: io::Error) -> io::Result<()> {
    match e.kind() {
        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted | ErrorKind::BrokenPipe => {
            closed(addr);
            Ok(())
        }
        _ => Err(context("the chat with", addr, e)),
    }
}

/// The server closed the connection: the chat is over, said in one line
/// on stderr.
fn closed(addr: &str) {
    warn(&format!(
        "server {addr} closed the connection, the chat is over"
    ));
}

/// One line on stderr, `chatroom_client: what`; a closed stderr is no
/// reason to stop.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "chatroom_client: {what}");
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
/// newline, or `None` at end of input (where Python raises EOFError),
/// which quits. A line longer than the server reads at once (recv(1024))
/// is refused, skipped to its newline, and asked again, so no read grows
/// without bound; an empty one as `empty` says.
fn input(prompt: &str, empty: Empty) -> io::Result<Option<String>> {
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
            warn("end of input, quitting");
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
        match empty {
            Empty::AskAgain if text.is_empty() => continue, // nothing to send: ask again
            Empty::AskAgain | Empty::Take => return Ok(Some(text)),
        }
    }
}

/// What input() does with an empty line.
enum Empty {
    /// A message: sending nothing, both sides would wait for ever.
    AskAgain,
    /// The choice, where any answer but 0 goes on.
    Take,
}

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
