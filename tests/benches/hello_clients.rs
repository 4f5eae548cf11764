//! 200 clients talk to tcp-hello-server at once: wall time until all have
//! finished their three-name conversation, and the server's memory and
//! thread count while all are connected.
//!
//! ```text
//! cargo bench -p tests --bench hello_clients                 # our server
//! cargo bench -p tests --bench hello_clients -- 500          # 500 clients
//! cargo bench -p tests --bench hello_clients -- 200 python3 -u hello_server.py
//! ```
//!
//! With a command after the count, that server is measured instead; it is
//! given `127.0.0.1:PORT` as its last argument and must print
//! `Waiting for connection...` (the Python original does).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};
use tests::*;

/// A server with a small listen backlog drops connection attempts when 200
/// arrive at once; the kernel retries them for a while, so wait longer than
/// the tests do.
const PATIENCE: Duration = Duration::from_secs(60);

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let clients: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(200);
    let (server, addr) = match args.get(1..).filter(|cmd| !cmd.is_empty()) {
        None => Proc::server(&program("tcp-hello-server"), &["127.0.0.1:0"]),
        Some(cmd) => {
            let addr = free_addr(); // for a server that is told its port
            let addr_arg = addr.to_string();
            let mut cmd: Vec<&str> = cmd.iter().map(String::as_str).collect();
            cmd.push(&addr_arg);
            let server = Proc::start(Path::new(cmd[0]), &cmd[1..]);
            server.wait_stdout("Waiting for connection...", 1);
            (server, addr)
        }
    };

    let start = Instant::now();
    let (welcomed_tx, welcomed) = mpsc::channel();
    let (go_tx, go_rx): (Vec<_>, Vec<_>) = (0..clients).map(|_| mpsc::channel::<()>()).unzip();
    let talks: Vec<_> = go_rx
        .into_iter()
        .enumerate()
        .map(|(i, go)| {
            let welcomed = welcomed_tx.clone();
            thread::spawn(move || talk(addr, i, &welcomed, &go))
        })
        .collect();
    // A client that fails drops its sender: recv then errs instead of hanging.
    drop(welcomed_tx);
    for _ in 0..clients {
        welcomed
            .recv_timeout(PATIENCE)
            .expect("a client was not welcomed");
    }
    let connected = start.elapsed();
    let rss_kib = status_field(server.pid(), "VmRSS:");
    let threads = status_field(server.pid(), "Threads:");
    for go in go_tx {
        go.send(()).expect("client waiting");
    }
    for talk in talks {
        talk.join().expect("a conversation failed");
    }
    let total = start.elapsed();
    println!(
        "{clients} clients: all connected and welcomed after {:.2} s, all done after {:.2} s; \
         server with all connected: {rss_kib} KiB resident, {threads} threads",
        connected.as_secs_f64(),
        total.as_secs_f64()
    );
}

fn talk(addr: SocketAddr, i: usize, welcomed: &mpsc::Sender<()>, go: &mpsc::Receiver<()>) {
    let mut s = TcpStream::connect_timeout(&addr, PATIENCE).expect("connect");
    s.set_read_timeout(Some(PATIENCE)).expect("read timeout");
    let mut welcome = [0; 8];
    s.read_exact(&mut welcome).expect("welcome");
    assert_eq!(&welcome, b"Welcome!");
    welcomed.send(()).expect("main thread waiting");
    go.recv().expect("the go signal");
    for name in ["Michael", "Tracy", "Sarah"] {
        let name = format!("{name}{i}");
        s.write_all(name.as_bytes()).expect("send");
        let mut reply = vec![0; name.len() + "Hello, !".len()];
        s.read_exact(&mut reply).expect("reply");
        assert_eq!(reply, format!("Hello, {name}!").as_bytes());
    }
    s.write_all(b"exit").expect("send exit");
}

fn status_field(pid: u32, field: &str) -> String {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc/PID/status");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .expect("field in /proc/PID/status");
    line.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}
