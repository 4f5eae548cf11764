//! One client, many request/reply round trips against the timestamp
//! servers: round trips per second, and the server's CPU time per round
//! trip (user and system, from /proc/PID/stat), for TCP and UDP.
//!
//! ```text
//! cargo bench -p tests --bench timestamp_round_trips               # ours, 20000 each
//! cargo bench -p tests --bench timestamp_round_trips -- 20000 DIR  # and the Python
//! ```
//!
//! DIR holds the Python originals `ts_tcp_server.py` and `ts_udp_server.py`;
//! they are run with `python3 -u` and measured the same way.

use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};
use tests::*;

/// Linux reports /proc CPU times in ticks of 1/100 s (USER_HZ).
const TICK: Duration = Duration::from_millis(10);

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let trips: u32 = args.first().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let python = args.get(1).map(Path::new);

    let (server, addr) = Proc::server(&program("tcp-timestamp"), &["server", "127.0.0.1:0"]);
    report("tcp, ours  ", &server, trips, || tcp_trips(addr, trips));
    let (server, addr) = Proc::server(&program("udp-timestamp"), &["server", "127.0.0.1:0"]);
    report("udp, ours  ", &server, trips, || udp_trips(addr, trips));
    if let Some(dir) = python {
        let addr = free_addr(); // for a server that is told its port
        let server = python_server(
            &dir.join("ts_tcp_server.py"),
            addr,
            "waiting for connection...",
        );
        report("tcp, Python", &server, trips, || tcp_trips(addr, trips));
        let addr = udp_socket().local_addr().unwrap(); // freed at once: a free UDP port
        let server = python_server(
            &dir.join("ts_udp_server.py"),
            addr,
            "waiting for message...",
        );
        report("udp, Python", &server, trips, || udp_trips(addr, trips));
    }
}

fn python_server(script: &Path, addr: SocketAddr, ready: &str) -> Proc {
    let server = Proc::start(
        Path::new("python3"),
        &["-u", &script.to_string_lossy(), &addr.to_string()],
    );
    server.wait_stdout(ready, 1);
    server
}

fn report(label: &str, server: &Proc, trips: u32, run: impl FnOnce()) {
    let (user0, sys0) = cpu(server.pid());
    let start = Instant::now();
    run();
    let wall = start.elapsed();
    let (user1, sys1) = cpu(server.pid());
    let per_trip = |ticks: u64| (TICK * ticks as u32).as_secs_f64() * 1e6 / f64::from(trips);
    println!(
        "{label}: {trips} round trips in {:.2} s = {:.0}/s; server CPU per round trip: user {:.2} us, system {:.2} us",
        wall.as_secs_f64(),
        f64::from(trips) / wall.as_secs_f64(),
        per_trip(user1 - user0),
        per_trip(sys1 - sys0)
    );
}

fn tcp_trips(addr: SocketAddr, trips: u32) {
    let mut s = connect(addr);
    s.set_nodelay(true).unwrap();
    let mut reply = [0; 27 + 5];
    for _ in 0..trips {
        s.write_all(b"hello").unwrap();
        s.read_exact(&mut reply).unwrap();
    }
    assert_eq!(strip_stamp(std::str::from_utf8(&reply).unwrap()), "hello");
}

fn udp_trips(addr: SocketAddr, trips: u32) {
    let socket: UdpSocket = udp_socket();
    let mut reply = [0; 1024];
    for _ in 0..trips {
        socket.send_to(b"hello", addr).unwrap();
        let (n, _) = socket.recv_from(&mut reply).unwrap();
        assert_eq!(n, 24);
    }
}

/// (user, system) CPU ticks of a process: fields 14 and 15 of /proc/PID/stat.
fn cpu(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("read /proc/PID/stat");
    // The command name (field 2) is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    (fields[11].parse().unwrap(), fields[12].parse().unwrap())
}
