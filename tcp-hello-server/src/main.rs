//! tcp-hello-server: the threaded "Hello, %s!" server of the TCP编程 article
//! (article 001, the 服务器 part; Python original `hello_server.py`).
//!
//! Every client gets `Welcome!`, then `Hello, <text>!` for each message it
//! sends, until it sends `exit` or closes. Each connection has a thread of
//! its own, so many clients are served at the same time.
//!
//! Run it, then the client in a second terminal:
//!
//! ```text
//! cargo run -p tcp-hello-server              # listens on 127.0.0.1:9999
//! cargo run -p tcp-hello-client              # Welcome! Hello, Michael! ...
//! ```
//!
//! Differences from the article: the address can be given as an argument
//! (`127.0.0.1:0` lets the OS pick a port) and the first line printed is the
//! address actually bound; text that is not UTF-8 is answered with
//! replacement characters instead of killing the connection's thread.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, ffi::OsString, process, thread, time::Duration};

/// How long a client may say nothing (or read nothing) before it is let go.
const IDLE: Duration = Duration::from_secs(30);
const USAGE: &str = "usage: tcp-hello-server [ADDR]

Greets every client with `Welcome!` and answers each message with
`Hello, <message>!`, one thread per client.

  ADDR  address to listen on, HOST:PORT (default 127.0.0.1:9999;
        port 0 lets the OS pick one, 0.0.0.0:PORT listens on every interface)";

fn main() {
    let addr = addr();
    if let Err(e) = run(&addr) {
        quit(1, &format!("tcp-hello-server: {e}"));
    }
}

fn run(addr: &str) -> io::Result<()> {
    // 创建 socket, 监听端口 (bind), listen: TcpListener::bind does all three.
    let listener = TcpListener::bind(addr).map_err(|e| bind_error(addr, e))?;
    log(&format!("Listening on {}", listener.local_addr()?));
    log("Waiting for connection...");

    loop {
        // 接受一个新连接:
        let (sock, addr) = match listener.accept() {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors, or a client that gave up while
                // waiting in the backlog: this client is lost, the server
                // is not. The pause keeps a persistent error from spinning.
                let _ = writeln!(io::stderr(), "tcp-hello-server: accept failed: {e}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // 创建新线程来处理TCP连接:
        let spawned = thread::Builder::new().spawn(move || tcplink(sock, addr));
        if let Err(e) = spawned {
            // The OS refused a thread; dropping `sock` closes this connection.
            let _ = writeln!(io::stderr(), "tcp-hello-server: no thread for {addr}: {e}");
        }
    }
}

fn tcplink(mut sock: TcpStream, addr: SocketAddr) {
    log(&format!("Accept new connection from {addr}..."));
    if let Err(e) = talk(&mut sock) {
        // A reset, a vanished client or an idle one ends only this connection.
        let idle = matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut); // Unix | Windows
        let why = if idle {
            format!("idle for {} s, closing it", IDLE.as_secs())
        } else {
            e.to_string()
        };
        let _ = writeln!(
            io::stderr(),
            "tcp-hello-server: connection from {addr}: {why}"
        );
    }
    drop(sock); // sock.close()
    log(&format!("Connection from {addr} closed."));
}

fn talk(sock: &mut TcpStream) -> io::Result<()> {
    // Not in the article: a client that says nothing, or reads none of its
    // answers, for IDLE gives its thread and socket back; without this,
    // enough idle clients would use up the server's file descriptors.
    sock.set_read_timeout(Some(IDLE))?;
    sock.set_write_timeout(Some(IDLE))?;
    sock.write_all(b"Welcome!")?;
    let mut buf = [0; 1024];
    loop {
        // Up to 1024 bytes, like recv(1024). TCP keeps no message
        // boundaries: a long message arrives in several reads, and each is
        // answered on its own.
        let n = sock.read(&mut buf)?;
        // The article's pause, to show that clients are served in parallel.
        thread::sleep(Duration::from_secs(1));
        let data = &buf[..n];
        // Ok(0) is Python's empty recv(): the client closed.
        if data.is_empty() || data == b"exit" {
            return Ok(());
        }
        let reply = format!("Hello, {}!", String::from_utf8_lossy(data));
        sock.write_all(reply.as_bytes())?;
    }
}

/// Prints one line on stdout. A closed stdout (`| head -1`) must not bring
/// the server down, so a line that cannot be written is dropped.
fn log(line: &str) {
    let _ = writeln!(io::stdout(), "{line}");
}

/// ADDR from the command line; `--help` and usage errors end the program here.
fn addr() -> String {
    // bad_arg sees every argument, so `--help` anywhere wins; otherwise the first mistake is reported.
    match env::args_os()
        .skip(1)
        .enumerate()
        .filter_map(bad_arg)
        .reduce(|first, _| first)
    {
        Some(why) => quit(2, &format!("tcp-hello-server: {why}\n\n{USAGE}")),
        None => env::args_os()
            .nth(1)
            .map_or("127.0.0.1:9999".into(), |a| a.to_string_lossy().into()),
    }
}

/// What is wrong with argument number `i`, if anything; `--help` ends the program here. ADDR is HOST:PORT.
fn bad_arg((i, arg): (usize, OsString)) -> Option<String> {
    let a = arg.to_string_lossy();
    let (host, port) = a.rsplit_once(':').unwrap_or(("", &a));
    // Err(true): a number, but too big for a port.
    match port
        .parse::<u16>()
        .map_err(|e| *e.kind() == std::num::IntErrorKind::PosOverflow)
    {
        _ if a == "-h" || a == "--help" => quit(0, USAGE),
        _ if arg.to_str().is_none() => Some(format!("argument `{a}` is not valid UTF-8")),
        _ if a.starts_with('-') => Some(format!("unknown option `{a}`")),
        _ if i > 0 => Some(format!("unexpected argument `{a}`")),
        Err(true) => Some(format!(
            "bad ADDR `{a}`: port {port} is out of range (0-65535)"
        )),
        Err(_) if a.contains(':') => Some(format!("bad ADDR `{a}`: port `{port}` is not a number")),
        Err(_) => Some(format!("bad ADDR `{a}`: no port: expected HOST:PORT")),
        Ok(_) => host
            .is_empty()
            .then(|| format!("bad ADDR `{a}`: no host: did you mean 127.0.0.1:{port}?")),
    }
}

/// `e` from listening on `addr`, with a hint chosen by its kind.
fn bind_error(addr: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. 127.0.0.1:0"
        }
        ErrorKind::PermissionDenied => "; ports below 1024 need root: pick one above",
        ErrorKind::AddrNotAvailable => "; that IP is not on this machine: try 127.0.0.1",
        _ => "",
    };
    io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}{hint}"))
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
