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
//! Differences from the article:
//! - the address can be given as an argument (`127.0.0.1:0` lets the OS pick
//!   a port), and the first line printed is the address actually bound;
//! - text that is not UTF-8 is answered with replacement characters instead
//!   of killing the connection's thread;
//! - a client that says nothing for 30 s (`IDLE_SECS=N`: N s) is let go, and
//!   one that reads none of its answers for 10 s too, so idle clients cannot
//!   use up the server's threads and file descriptors; the error of one
//!   connection is one line on stderr followed by `Connection from ...
//!   closed.`, and the server goes on, where the Python's thread would die
//!   with a traceback (and print no `closed` line);
//! - a bare PORT (`9999`) is bad usage, where the Python took `[HOST:]PORT`;
//! - an IPv6 address (`[::1]:9999`) works too; the Python listens on IPv4
//!   only (AF_INET).

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::{env, process, thread, time::Duration};

const DEFAULT_ADDR: &str = "127.0.0.1:9999";
const USAGE: &str = "usage: tcp-hello-server [ADDR]

Greets every client with `Welcome!` and answers each message with
`Hello, <message>!`, one thread per client.

  ADDR  address to listen on, HOST:PORT (default 127.0.0.1:9999;
        port 0 lets the OS pick one, 0.0.0.0:PORT listens on every interface)

A client silent for 30 s is let go; IDLE_SECS=N in the environment makes it N s.";
/// How long a client may take to read an answer.
const TIMEOUT: Duration = Duration::from_secs(10);

fn main() {
    let listen_addr = addr_arg(DEFAULT_ADDR);
    if let Err(e) = run(&listen_addr) {
        quit(1, &format!("tcp-hello-server: {e}"));
    }
}

fn run(listen_addr: &str) -> io::Result<()> {
    // 监听端口: socket() + bind() + listen() are one call in Rust
    // (std's backlog is 128, not the article's 5).
    let s =
        TcpListener::bind(listen_addr).map_err(|e| context("cannot listen on", listen_addr, e))?;
    print(&format!("Listening on {}", s.local_addr()?))?;
    print("Waiting for connection...")?;
    loop {
        // 接受一个新连接:
        let (sock, addr) = match s.accept() {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors, or a client that gave up while
                // waiting in the backlog: this client is lost, the server
                // is not. The pause keeps a persistent error from spinning.
                warn(&format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // 创建新线程来处理TCP连接: spawn() is Python's
        // `Thread(target=tcplink, args=(sock, addr))` and `t.start()` in one
        // call. Builder, because thread::spawn would panic instead: when the
        // OS has no thread to give, Builder's spawn returns an error.
        let t = thread::Builder::new().spawn(move || serve(sock, addr));
        if let Err(e) = t {
            // The OS refused a thread; `sock` went with the closure: closed.
            warn(&format!("no thread for {addr}: {e}"));
        }
    }
}

/// The new thread's work: tcplink(), and the one line of its error. A
/// reset or a vanished client ends only its own connection (`sock` was
/// closed as tcplink returned).
fn serve(sock: TcpStream, addr: SocketAddr) {
    if let Err(e) = tcplink(sock, addr) {
        warn(&format!("connection from {addr}: {e}"));
        let _ = print(&format!("Connection from {addr} closed."));
    }
}

fn tcplink(mut sock: TcpStream, addr: SocketAddr) -> io::Result<()> {
    print(&format!("Accept new connection from {addr}..."))?;
    // Not in the article: a client that says nothing for idle(), or reads
    // none of its answers for TIMEOUT, gives its thread and socket back.
    let idle_limit = idle();
    sock.set_read_timeout(Some(idle_limit))?;
    sock.set_write_timeout(Some(TIMEOUT))?;
    // sock.send(b'Welcome!'): write_all, like sendall(), sends every byte.
    sock.write_all(b"Welcome!")?;
    let mut data = [0; 1024];
    loop {
        // data = sock.recv(1024): up to 1024 bytes. TCP keeps no message
        // boundaries: a long message arrives in several reads, and each is
        // answered on its own.
        let n = match sock.read(&mut data) {
            // Ok(0) is Python's b'': the client closed; checked below, after the sleep.
            Ok(n) => n,
            // A read timeout is WouldBlock on Unix, TimedOut on Windows.
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                let secs = idle_limit.as_secs();
                warn(&format!(
                    "connection from {addr}: idle for {secs} s, closing it"
                ));
                break;
            }
            Err(e) => return Err(e),
        };
        // The article's pause, to show that clients are served in parallel.
        thread::sleep(Duration::from_secs(1));
        if n == 0 || &data[..n] == b"exit" {
            break;
        }
        let reply = format!("Hello, {}!", String::from_utf8_lossy(&data[..n]));
        // sock.send(...): write_all, like sendall(), sends every byte.
        sock.write_all(reply.as_bytes())?;
    }
    drop(sock); // sock.close()
    print(&format!("Connection from {addr} closed."))?;
    Ok(())
}

/// How long a client may stay silent before it is let go: 30 s, as programs
/// talk here, not people; IDLE_SECS=N sets N seconds (the tests use 1).
fn idle() -> Duration {
    let secs = match env::var("IDLE_SECS") {
        Ok(text) => text.parse::<u64>().unwrap_or(0),
        Err(_) => 0,
    };
    if secs == 0 {
        return Duration::from_secs(30); // unset, not a number, or 0 (the OS refuses a zero timeout)
    }
    Duration::from_secs(secs)
}

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
    quit(2, &format!("tcp-hello-server: {why}\n\n{USAGE}"))
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

/// `e` as one line a person reads: what was being done, where, the OS
/// error, and a hint chosen by its kind.
fn context(doing: &str, place: &str, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        ErrorKind::AddrInUse => {
            "; address in use: is another server running? pass another ADDR, e.g. 127.0.0.1:0"
        }
        ErrorKind::PermissionDenied => {
            "; that port may be reserved (below 1024 needs root on Unix): pass another ADDR"
        }
        ErrorKind::AddrNotAvailable => "; that IP is not on this machine: try 127.0.0.1",
        _ => "",
    };
    io::Error::new(e.kind(), format!("{doing} {place}: {e}{hint}"))
}

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

/// One line on stderr, for what goes wrong with one client; a closed stderr
/// is no reason to stop serving.
fn warn(what: &str) {
    let _ = writeln!(io::stderr(), "tcp-hello-server: {what}");
}
