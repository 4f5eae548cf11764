//! tcp-hello-client: the client of the TCP编程 article (article 001, the
//! 客户端 for its "Hello" server; Python original `hello_client.py`).
//!
//! It prints the server's welcome, sends each name and prints the reply,
//! then sends `exit` and closes.
//!
//! Start the server first, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-hello-server                          # terminal 1
//! cargo run -p tcp-hello-client                          # terminal 2
//! cargo run -p tcp-hello-client -- 127.0.0.1:9999 Ann Bo # other names
//! ```
//!
//! Differences from the article: the address and names can be given as
//! arguments; what the server sends is shown with replacement characters for
//! bytes that are not UTF-8 and with control characters escaped (`\u{1b}`), so
//! a server cannot drive the terminal; a server that sends nothing for 10
//! seconds, or closes early, ends the client with one line on stderr instead
//! of a hang or a traceback.

use std::{env, io, io::ErrorKind as Kind, io::Read, io::Write, net::TcpStream, process, time::Duration};

const USAGE: &str = "usage: tcp-hello-client [ADDR] [NAME...]\n(default: 127.0.0.1:9999 Michael Tracy Sarah)";

fn main() {
    let (addr, names) = args();
    // 建立连接:
    let mut s = TcpStream::connect(&addr).unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // A server silent for 10 s ends the client instead of hanging it (Python's settimeout()).
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // 接收欢迎消息:
    print_reply(&mut s, &addr);
    for name in names {
        // 发送数据:
        s.write_all(name.as_bytes()).unwrap_or_else(|e| quit(1, &context(&addr, e)));
        print_reply(&mut s, &addr);
    }
    s.write_all(b"exit").unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // s.close(): the stream closes as it goes out of scope.
}

/// ADDR and the names, defaults filled in; `--help` and usage errors end the program here.
fn args() -> (String, Vec<String>) {
    let addr = env::args_os().nth(1).map_or("127.0.0.1:9999".into(), |a| a.to_string_lossy().into());
    let names: Vec<_> = env::args_os().skip(2).map(|a| a.to_string_lossy().into_owned()).collect();
    // bad_arg sees every argument, so `--help` anywhere wins; otherwise the first mistake is reported.
    match env::args_os().skip(1).enumerate().filter_map(bad_arg).reduce(|first, _| first) {
        Some(why) => quit(2, &format!("tcp-hello-client: {why}\n\n{USAGE}")),
        None if names.is_empty() => (addr, ["Michael", "Tracy", "Sarah"].map(String::from).into()),
        None => (addr, names),
    }
}

/// What is wrong with argument number `i`, if anything; `--help` ends the program here. ADDR is HOST:PORT.
fn bad_arg((i, arg): (usize, std::ffi::OsString)) -> Option<String> {
    let a = arg.to_string_lossy();
    let (host, port) = a.rsplit_once(':').unwrap_or(("", &a));
    // Err(true): a number, but too big for a port.
    match port.parse::<u16>().map_err(|e| *e.kind() == std::num::IntErrorKind::PosOverflow) {
        _ if a == "-h" || a == "--help" => quit(0, USAGE),
        _ if arg.to_str().is_none() => Some(format!("argument `{a}` is not valid UTF-8")),
        _ if a.starts_with('-') => Some(format!("unknown option `{a}`")),
        _ if i > 0 => a.is_empty().then(|| "a NAME cannot be empty: it would send nothing".into()),
        Err(true) => Some(format!("bad ADDR `{a}`: port {port} is out of range (0-65535)")),
        Err(_) if a.contains(':') => Some(format!("bad ADDR `{a}`: port `{port}` is not a number")),
        Err(_) => Some(format!("bad ADDR `{a}`: no port: expected HOST:PORT")),
        Ok(_) => host.is_empty().then(|| format!("bad ADDR `{a}`: no host: did you mean 127.0.0.1:{port}?")),
    }
}

/// `e` as one line: what failed, where, and a hint chosen by its kind.
fn context(addr: &str, e: io::Error) -> String {
    let hint = "is the server running? start it with `cargo run -p tcp-hello-server`";
    match e.kind() {
        Kind::ConnectionRefused => format!("tcp-hello-client: cannot connect to {addr}: {e}; {hint}"),
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        Kind::WouldBlock | Kind::TimedOut => format!("tcp-hello-client: no reply from {addr} within 10 s"),
        Kind::UnexpectedEof => format!("tcp-hello-client: server {addr} closed the connection early"),
        _ => format!("tcp-hello-client: connection to {addr} failed: {e}"),
    }
}

/// Ends the program with `code`: `--help` prints the usage on stdout, anything else is an error on stderr.
fn quit(code: i32, text: &str) -> ! {
    let _ = if code == 0 { writeln!(io::stdout(), "{text}") } else { writeln!(io::stderr(), "{text}") };
    process::exit(code)
}

/// print(s.recv(1024).decode('utf-8')), control characters escaped (`\u{1b}`) so that the server cannot
/// drive the terminal. A closed stdout (`| head -1`) is no reason to stop: the line is dropped.
fn print_reply(s: &mut TcpStream, addr: &str) {
    let mut data = [0; 1024];
    let n = s.read(&mut data).and_then(|n| if n > 0 { Ok(n) } else { Err(Kind::UnexpectedEof.into()) });
    let text = String::from_utf8_lossy(&data[..n.unwrap_or_else(|e| quit(1, &context(addr, e)))]);
    let esc = |c: char| if c.is_control() && c != '\t' { c.escape_unicode().to_string() } else { c.into() };
    let _ = writeln!(io::stdout(), "{}", text.chars().map(esc).collect::<String>());
}
