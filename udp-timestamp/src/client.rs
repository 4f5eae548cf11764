//! UDP时间戳客户端: `ts_udp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type as one datagram and prints the
//! time the server sends back. An empty line or end of input ends it. UDP
//! tells nobody when a datagram is lost or no server is there, so a reply
//! that does not come within a few seconds ends the client with an error.

use std::io::{self, BufRead, Write};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

pub const DEFAULT_ADDR: &str = "localhost:23135";
const BUFSIZ: usize = 1024;
const REPLY_TIMEOUT: Duration = Duration::from_secs(3);

pub fn run(addr: &str) -> io::Result<()> {
    let mut server = resolve(addr)?;
    // socket(AF_INET, SOCK_DGRAM): "与TCP不同的是不用connect". Python binds a
    // free port on the first sendto(); Rust names that step: port 0.
    let local: SocketAddr = if server.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { ([0; 16], 0).into() };
    let udp_cli_sock = UdpSocket::bind(local)?;
    udp_cli_sock.set_read_timeout(Some(REPLY_TIMEOUT))?;
    let mut stdin = io::stdin().lock();
    let mut stdout = io::stdout().lock();
    let mut line = Vec::new();
    let mut data = [0; BUFSIZ];

    loop {
        // data = input('> '); the prompt must be flushed, it has no newline.
        write!(stdout, "> ").and_then(|()| stdout.flush()).map_err(console)?;
        line.clear();
        if stdin.read_until(b'\n', &mut line).map_err(console)? == 0 {
            return Ok(()); // end of input: where Python raises EOFError, stop
        }
        let data_out = line.strip_suffix(b"\n").unwrap_or(&line);
        let data_out = data_out.strip_suffix(b"\r").unwrap_or(data_out);
        if data_out.is_empty() {
            return Ok(()); // if not data: break
        }
        udp_cli_sock.send_to(data_out, server).map_err(|e| send_error(server, e))?;
        // data, ADDR = recvfrom(BUFSIZ): as in the article, the next line
        // goes to wherever this reply came from.
        let (n, from) = udp_cli_sock.recv_from(&mut data).map_err(|e| reply_error(server, e))?;
        server = from;
        if n == 0 {
            return Ok(()); // an empty datagram: if not data: break
        }
        writeln!(stdout, "{}", String::from_utf8_lossy(&data[..n])).map_err(console)?;
    }
}

/// HOST:PORT to one address, IPv4 first: the article's socket is AF_INET,
/// and `localhost` may resolve to ::1 before 127.0.0.1.
/// A failed read of the keyboard or write to the screen (a closed pipe).
fn console(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot use the console (stdin/stdout): {e}"))
}

fn resolve(addr: &str) -> io::Result<SocketAddr> {
    let fail = |e: io::Error| io::Error::new(e.kind(), format!("cannot resolve {addr}: {e}"));
    let all: Vec<SocketAddr> = addr.to_socket_addrs().map_err(fail)?.collect();
    let first = all.iter().find(|a| a.is_ipv4()).or(all.first()).copied();
    first.ok_or_else(|| fail(io::Error::new(io::ErrorKind::NotFound, "no address")))
}

fn send_error(server: SocketAddr, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("cannot send to {server}: {e}"))
}

fn reply_error(server: SocketAddr, e: io::Error) -> io::Error {
    let what = match e.kind() {
        // A read timeout shows up as WouldBlock on Unix, TimedOut on Windows.
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => format!(
            "no reply from {server} within {} s: is the server running? \
             start it with `cargo run -p udp-timestamp -- server`",
            REPLY_TIMEOUT.as_secs()
        ),
        _ => format!("no reply from {server}: {e}"),
    };
    io::Error::new(e.kind(), what)
}
