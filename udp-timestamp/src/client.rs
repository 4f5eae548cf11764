//! UDP时间戳客户端: `ts_udp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type as one datagram and prints the
//! time the server sends back. An empty line or end of input ends it. UDP
//! tells nobody when a datagram is lost, so a reply that does not come
//! within 10 s ends the client with an error.

use std::io::{self, BufRead, IsTerminal, Read};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::time::Duration;

/// What the Python server reads at once, its recvfrom(BUFSIZ): the most a
/// typed line may hold, and the most of a reply shown.
const BUFSIZ: usize = 1024;
/// How long we wait for a reply that is due.
const TIMEOUT: Duration = Duration::from_secs(10);

// The loop is the Python's `while True:`, its steps in the Python's order
// (clippy would fold the input into a `while let` condition).
#[allow(clippy::while_let_loop)]
pub fn run(addr: &str) -> io::Result<()> {
    // ADDR = (HOST, PORT): the name's first address in the resolver's
    // order, the one the server's bind takes first given the same name, so
    // that the two meet (`localhost` may name ::1 first, then 127.0.0.1).
    let mut ips = addr
        .to_socket_addrs()
        .map_err(|e| crate::context("cannot resolve", addr, e))?;
    let ip = match ips.next() {
        Some(ip) => ip,
        None => return Err(io::Error::other(format!("{addr}: the name has no address"))),
    };
    let server = at(addr, ip);
    // udpCliSock = socket(AF_INET, SOCK_DGRAM): of the address's family.
    // Python binds a free port on the first sendto(); Rust names that step:
    // port 0.
    let any = if ip.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let udp_cli_sock = UdpSocket::bind(any).map_err(|e| crate::context("cannot bind", any, e))?;
    // "与TCP不同的是不用connect": the article's client does not connect, and
    // takes a reply from anyone (`data, ADDR = recvfrom`), then sends the
    // next line there. We connect on purpose: the socket then takes
    // datagrams from the server only, and hears "port unreachable" when no
    // server is there.
    udp_cli_sock
        .connect(ip)
        .map_err(|e| crate::context("cannot connect to", &server, e))?;
    udp_cli_sock.set_read_timeout(Some(TIMEOUT))?;
    // 64 KiB, room for any datagram: Windows fails a read into less
    // (WSAEMSGSIZE) where Linux cuts the datagram to BUFSIZ, as Python does.
    let mut reply = vec![0; 65536];

    loop {
        // data = input('> '); end of input (where Python raises EOFError) ends too.
        let Some(data) = input("> ")? else {
            break;
        };
        if data.is_empty() {
            break; // if not data: break
        }
        // udpCliSock.sendto(bytes(data,'utf-8'),ADDR)
        udp_cli_sock
            .send(data.as_bytes())
            .map_err(|e| crate::context("cannot send to", &server, e))?;
        // data, ADDR = udpCliSock.recvfrom(BUFSIZ)
        let mut n = match udp_cli_sock.recv(&mut reply) {
            Ok(0) => break, // if not data: break
            Ok(n) => n,
            Err(e) => return Err(crate::context("no reply from", &server, e)),
        };
        // recvfrom(BUFSIZ) keeps the first 1024 bytes
        if n > BUFSIZ {
            n = BUFSIZ;
        }
        // print(data.decode('utf-8')), control characters escaped
        crate::print(&show(&reply[..n]))?;
    }
    // udpCliSock.close()
    drop(udp_cli_sock);
    Ok(())
}

/// `addr`, with the IP:PORT it resolved to when that is not the same text:
/// `localhost:23135 (127.0.0.1:23135)`.
fn at(addr: &str, ip: SocketAddr) -> String {
    if ip.to_string() == addr {
        addr.to_string()
    } else {
        format!("{addr} ({ip})")
    }
}

/// input(prompt): one line from the keyboard, without its newline, or
/// `None` at end of input (where Python raises EOFError). A line longer
/// than the Python server reads at once (recvfrom(1024)) is refused, skipped to its
/// newline, and asked again, so no read grows without bound.
fn input(prompt_text: &str) -> io::Result<Option<String>> {
    let mut stdin = io::stdin().lock();
    loop {
        crate::prompt(prompt_text)?;
        let mut line = Vec::new();
        // At most BUFSIZ bytes and the "\r\n" that ends them.
        // (&mut stdin): take() borrows stdin instead of using it up
        let n = (&mut stdin)
            .take(BUFSIZ as u64 + 2)
            .read_until(b'\n', &mut line)
            .map_err(crate::console)?;
        if n == 0 {
            crate::print("")?; // end the prompt's line
            return Ok(None);
        }
        if !io::stdin().is_terminal() {
            crate::print("")?; // no Enter was echoed: end the prompt's line ourselves
        }
        if !line.ends_with(b"\n") && n == BUFSIZ + 2 {
            stdin.skip_until(b'\n').map_err(crate::console)?; // the rest of a line too long
        }
        let text = String::from_utf8_lossy(trim_newline(&line)).into_owned();
        if text.len() > BUFSIZ {
            crate::warn("client", "not sent: a line is at most 1024 bytes");
            continue;
        }
        return Ok(Some(text));
    }
}

/// What a peer sent, as a line for the terminal: lossy UTF-8, one trailing
/// newline dropped, every control character but tab escaped (`\u{1b}`) so a
/// peer cannot drive the terminal.
fn show(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(trim_newline(data));
    let mut shown = String::new();
    for c in text.chars() {
        if c.is_control() && c != '\t' {
            shown.push_str(&c.escape_unicode().to_string());
        } else {
            shown.push(c);
        }
    }
    shown
}

/// `data` without one trailing `\n` or `\r\n`.
fn trim_newline(data: &[u8]) -> &[u8] {
    if let Some(line) = data.strip_suffix(b"\r\n") {
        return line;
    }
    data.strip_suffix(b"\n").unwrap_or(data)
}
