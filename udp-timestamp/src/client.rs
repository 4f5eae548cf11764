//! UDP时间戳客户端: `ts_udp_client.py` of article 004.
//!
//! Prompts `> `, sends each line you type as one datagram and prints the
//! time the server sends back. An empty line or end of input ends it. UDP
//! tells nobody when a datagram is lost, so a reply that does not come
//! within a few seconds ends the client with an error.

use std::io::{self, BufRead, Read, Write};
use std::{net::UdpSocket, time::Duration};

pub const DEFAULT_ADDR: &str = "localhost:23135";
const BUFSIZ: usize = 1024;

pub fn run(addr: &str) -> io::Result<()> {
    // socket(AF_INET, SOCK_DGRAM): IPv4 as in the article (`localhost` may
    // name ::1 first), IPv6 for an `[::1]:PORT`. Python binds a free port
    // on the first sendto(); Rust names that step: port 0.
    let udp_cli_sock = UdpSocket::bind(if addr.starts_with('[') {
        "[::]:0"
    } else {
        "0.0.0.0:0"
    })?;
    // "与TCP不同的是不用connect": the article's client does not connect, and
    // takes a reply from anyone (`data, ADDR = recvfrom`), then sends the
    // next line there. We connect on purpose: the socket then takes
    // datagrams from the server only, and hears "port unreachable" when no
    // server is there.
    udp_cli_sock
        .connect(addr)
        .map_err(|e| crate::context("cannot connect to", addr, e))?;
    udp_cli_sock.set_read_timeout(Some(Duration::from_secs(3)))?;
    let console = |e| crate::context("cannot use", "the console (stdin/stdout)", e);
    let (mut stdin, mut stdout) = (io::stdin().lock(), io::stdout().lock());
    let (mut line, mut data) = (Vec::new(), [0; BUFSIZ]);

    loop {
        // data = input('> '); the prompt must be flushed, it has no newline.
        write!(stdout, "> ")
            .and_then(|()| stdout.flush())
            .map_err(console)?;
        line.clear();
        // At most 64 MiB at a time: an endless line (`< /dev/zero`) cannot eat memory.
        if (&mut stdin)
            .take(1 << 26)
            .read_until(b'\n', &mut line)
            .map_err(console)?
            == 0
        {
            // End of input, where Python raises EOFError: stop, and end the
            // prompt's line so the shell's prompt starts on a line of its own.
            return writeln!(stdout).map_err(console);
        }
        let data_out = line
            .strip_suffix(b"\n")
            .map_or(&line[..], |l| l.strip_suffix(b"\r").unwrap_or(l));
        if data_out.is_empty() {
            return Ok(()); // if not data: break
        }
        // sendto(data), then data = recvfrom(BUFSIZ): one datagram each way.
        udp_cli_sock
            .send(data_out)
            .map_err(|e| crate::context("cannot send to", addr, e))?;
        let n = udp_cli_sock
            .recv(&mut data)
            .map_err(|e| crate::context("no reply from", addr, e))?;
        if n == 0 {
            return Ok(()); // an empty datagram: if not data: break
        }
        writeln!(stdout, "{}", shown(&data[..n])).map_err(console)?;
    }
}

/// What the server sent, as text safe for a terminal: bytes that are not
/// UTF-8 as `�`, control characters (but tab) as `\u{1b}`, so a hostile
/// server cannot retitle or clear the screen.
fn shown(bytes: &[u8]) -> String {
    let show = |c: char| {
        if c.is_control() && c != '\t' {
            c.escape_unicode().to_string()
        } else {
            c.into()
        }
    };
    String::from_utf8_lossy(bytes).chars().map(show).collect()
}
