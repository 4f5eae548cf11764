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

use std::{
    env, io, io::ErrorKind as Kind, io::Read, io::Write, net::TcpStream, process, time::Duration,
};

const USAGE: &str =
    "usage: tcp-hello-client [ADDR] [NAME...]\n(default: 127.0.0.1:9999 Michael Tracy Sarah)";

fn main() {
    let (addr, names) = args();
    // 建立连接:
    let mut s = TcpStream::connect(&addr).unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // A server silent for 10 s ends the client instead of hanging it (Python's settimeout()).
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // 接收欢迎消息:
    print_reply(&mut s, &addr);
    for name in names {
        // 发送数据:
        s.write_all(name.as_bytes())
            .unwrap_or_else(|e| quit(1, &context(&addr, e)));
        print_reply(&mut s, &addr);
    }
    s.write_all(b"exit")
        .unwrap_or_else(|e| quit(1, &context(&addr, e)));
    // s.close(): the stream closes as it goes out of scope.
}

/// ADDR and the names (the arguments after ADDR), defaults filled in. Anything else ends the program here:
/// `-h`/`--help` anywhere prints the usage (exit 0); a mistake, one line saying what is wrong and then the
/// usage (exit 2).
fn args() -> (String, Vec<String>) {
    let addr: String = env::args_os()
        .nth(1)
        .map_or("127.0.0.1:9999".into(), |a| a.to_string_lossy().into());
    let (host, port) = addr.rsplit_once(':').unwrap_or(("", &addr));
    // The first argument that is not UTF-8 or is an option, and the port as a number: a u64, as `65536_u64..`
    // below says, so that a long run of digits is out of range rather than "not a number".
    match (
        env::args_os()
            .skip(1)
            .find(|a| a.to_str().is_none_or(|a| a.starts_with('-'))),
        port.parse(),
    ) {
        _ if env::args_os().skip(1).any(|a| a == "-h" || a == "--help") => quit(0, USAGE),
        (Some(a), _) if a.to_str().is_some() => {
            Err(format!("unknown option `{}`", a.to_string_lossy()))
        }
        (Some(a), _) => Err(format!(
            "argument `{}` is not valid UTF-8",
            a.to_string_lossy()
        )),
        (_, Err(_)) if !addr.contains(':') => {
            Err(format!("bad ADDR `{addr}`: no port: expected HOST:PORT"))
        }
        (_, Err(_)) => Err(format!("bad ADDR `{addr}`: port `{port}` is not a number")),
        (_, Ok(65536_u64..)) => Err(format!(
            "bad ADDR `{addr}`: port {port} is out of range (0-65535)"
        )),
        _ if host.is_empty() => Err(format!(
            "bad ADDR `{addr}`: no host: did you mean 127.0.0.1:{port}?"
        )),
        _ if env::args_os().skip(2).any(|a| a.is_empty()) => {
            Err("an empty NAME would send nothing".into())
        }
        // No NAME given: the article's three.
        _ if env::args_os().len() < 3 => {
            Ok((addr, ["Michael", "Tracy", "Sarah"].map(String::from).into()))
        }
        _ => Ok((
            addr,
            env::args_os()
                .skip(2)
                .map(|a| a.to_string_lossy().into())
                .collect(),
        )),
    }
    .unwrap_or_else(|why| quit(2, &format!("tcp-hello-client: {why}\n\n{USAGE}")))
}

/// `e` as one line: what failed, where, and a hint chosen by its kind.
fn context(addr: &str, e: io::Error) -> String {
    let hint = "is the server running? start it with `cargo run -p tcp-hello-server`";
    match e.kind() {
        Kind::ConnectionRefused => {
            format!("tcp-hello-client: cannot connect to {addr}: {e}; {hint}")
        }
        // A read timeout is WouldBlock on Unix, TimedOut on Windows.
        Kind::WouldBlock | Kind::TimedOut => {
            format!("tcp-hello-client: no reply from {addr} within 10 s")
        }
        Kind::UnexpectedEof => {
            format!("tcp-hello-client: server {addr} closed the connection early")
        }
        _ => format!("tcp-hello-client: connection to {addr} failed: {e}"),
    }
}

/// Ends the program with `code`: `--help` prints the usage on stdout, anything else is an error on stderr.
fn quit(code: i32, text: &str) -> ! {
    let _ = if code == 0 {
        writeln!(io::stdout(), "{text}")
    } else {
        writeln!(io::stderr(), "{text}")
    };
    process::exit(code)
}

/// print(s.recv(1024).decode('utf-8')), control characters escaped (`\u{1b}`) so that the server cannot
/// drive the terminal. A closed stdout (`| head -1`) is no reason to stop: the line is dropped.
fn print_reply(s: &mut TcpStream, addr: &str) {
    let mut data = [0; 1024];
    let n = s.read(&mut data).and_then(|n| {
        if n > 0 {
            Ok(n)
        } else {
            Err(Kind::UnexpectedEof.into())
        }
    });
    let text = String::from_utf8_lossy(&data[..n.unwrap_or_else(|e| quit(1, &context(addr, e)))]);
    let esc = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    let _ = writeln!(
        io::stdout(),
        "{}",
        text.chars().map(esc).collect::<String>()
    );
}
