//! TCP时间戳服务器: `ts_tcp_server.py` of article 004.
//!
//! One client at a time, as in the article: while one client is connected,
//! the next one's connection waits in the listen backlog and its messages
//! wait unanswered until the first client leaves. `tcp-hello-server` shows
//! the cure, a thread per client.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::{env, thread};

/// BUFSIZ = 1024 #1kb: one recv reads at most this much.
const BUFSIZ: usize = 1024;
/// How long an answer may wait for a client that reads none.
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn run(addr: &str) -> io::Result<()> {
    // tcpSerSock = socket(AF_INET, SOCK_STREAM); bind(ADDR); listen(5): one call in Rust.
    let tcp_ser_sock =
        TcpListener::bind(addr).map_err(|e| crate::context("cannot listen on", addr, e))?;
    crate::print(&format!("Listening on {}", tcp_ser_sock.local_addr()?))?;
    let idle_limit = idle();
    let mut data = [0; BUFSIZ];

    loop {
        // print('waiting for connection...')
        crate::print("waiting for connection...")?;
        // tcpCliSock, addr = tcpSerSock.accept()
        let (mut tcp_cli_sock, addr) = match tcp_ser_sock.accept() {
            Ok(pair) => pair,
            // A failed accept loses that client only (it may have reset first); the
            // pause keeps an error that persists (no descriptors left) from spinning.
            Err(e) => {
                crate::warn("server", &format!("accept failed: {e}"));
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        // print('...connected from:', addr)
        crate::print(&format!("...connected from: {}", py_addr(addr)))?;
        // Not in the article: a client silent for `idle_limit` is let go, and one
        // that takes no answer (its buffers full) for 10 s, so that neither
        // holds the one-at-a-time server for ever.
        if let Err(e) = tcp_cli_sock.set_read_timeout(Some(idle_limit)) {
            let_go(addr, e); // a client already reset (macOS says so here)
            continue;
        }
        if let Err(e) = tcp_cli_sock.set_write_timeout(Some(TIMEOUT)) {
            let_go(addr, e);
            continue;
        }

        loop {
            // data = tcpCliSock.recv(BUFSIZ): up to 1024 bytes. TCP keeps no message
            // boundaries: a longer line arrives in several reads, each answered.
            let n = match tcp_cli_sock.read(&mut data) {
                Ok(0) => break, // if not data: break
                Ok(n) => n,
                // A read timeout is WouldBlock on Unix, TimedOut on Windows.
                Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                    let secs = idle_limit.as_secs();
                    let why = format!("{addr} said nothing for {secs} s: let go");
                    crate::warn("server", &why);
                    break;
                }
                Err(e) => {
                    let_go(addr, e);
                    break;
                }
            };
            // tcpCliSock.send(bytes('[%s] %s' % (ctime(), data.decode('utf-8')), 'utf-8'))
            let text = String::from_utf8_lossy(&data[..n]);
            let reply = format!("[{}] {}", ctime(SystemTime::now()), text);
            // One send, as the article's: it returns once all is sent, or with
            // what was taken when its 10 s are up, so an answer waits 10 s at most.
            let stuck = format!("{addr} did not take its answer within 10 s: let go");
            let sent = match tcp_cli_sock.write(reply.as_bytes()) {
                Ok(sent) => sent,
                // None of it taken: a write timeout is WouldBlock on Unix, TimedOut on Windows.
                Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                    crate::warn("server", &stuck);
                    break;
                }
                Err(e) => {
                    let_go(addr, e);
                    break;
                }
            };
            if sent < reply.len() {
                crate::warn("server", &stuck); // part of it taken in 10 s
                break;
            }
        }
        // tcpCliSock.close()
        drop(tcp_cli_sock);
    }
    // tcpSerSock.close(): never reached, in the Python either; the loop
    // serves for ever (the article says so too).
}

/// A client's connection failed: one line on stderr; the server goes on
/// with the next client.
fn let_go(addr: SocketAddr, e: io::Error) {
    let why = crate::context("connection from", &addr.to_string(), e);
    crate::warn("server", &why.to_string());
}

/// An address as Python prints it: `('127.0.0.1', 40278)`; for IPv6 its
/// 4-tuple, `('::1', 40278, 0, 0)`, with flow info and scope id.
fn py_addr(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => {
            let flow_info = a.flowinfo();
            let scope_id = a.scope_id();
            format!("('{}', {}, {flow_info}, {scope_id})", a.ip(), a.port())
        }
    }
}

/// How long a client may stay silent before it is let go: 5 minutes, a
/// person typing slowly; IDLE_SECS=N sets N seconds (the tests use 1).
fn idle() -> Duration {
    let secs = match env::var("IDLE_SECS") {
        Ok(text) => text.parse::<u64>().unwrap_or(0),
        Err(_) => 0,
    };
    if secs == 0 {
        return Duration::from_secs(300); // unset, not a number, or 0 (the OS refuses a zero timeout)
    }
    Duration::from_secs(secs)
}

/// Python's time.ctime(): `Sat Nov  1 09:05:03 2026`, the day padded to two
/// columns. In UTC: std cannot read the local time zone (Python's ctime()
/// uses local time, so the two agree where TZ=UTC).
fn ctime(now: SystemTime) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    // Seconds since 1970 (a clock set before then reads as 1970).
    let secs = match now.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs(),
        Err(_) => 0,
    };
    let mut days = secs / 86_400;
    let weekday = WEEKDAYS[(days % 7) as usize];
    let mut year = 1970;
    let mut month = 0;
    while days >= month_length(year, month) {
        days -= month_length(year, month);
        month = (month + 1) % 12;
        if month == 0 {
            year += 1;
        }
    }
    let secs = secs % 86_400; // into the day
    let time = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    format!("{weekday} {} {:>2} {time} {year}", MONTHS[month], days + 1)
}

/// Days in `month` (January = 0) of `year`, by the Gregorian rule: a leap
/// year every 4th, but not every 100th, but every 400th.
fn month_length(year: u64, month: usize) -> u64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let february = if leap { 29 } else { 28 };
    [31, february, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
}

#[cfg(test)]
mod tests {
    use super::ctime;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn ctime_matches_python_at_known_instants() {
        // Each expected text is Python's time.ctime(secs) with TZ=UTC.
        let known = [
            (0, "Thu Jan  1 00:00:00 1970"),
            (68_255_999, "Tue Feb 29 23:59:59 1972"),
            (951_782_400, "Tue Feb 29 00:00:00 2000"),
            (978_307_199, "Sun Dec 31 23:59:59 2000"),
            (1_709_208_000, "Thu Feb 29 12:00:00 2024"),
            (1_793_523_903, "Sun Nov  1 09:05:03 2026"),
            (2_147_483_647, "Tue Jan 19 03:14:07 2038"),
            (2_147_483_648, "Tue Jan 19 03:14:08 2038"),
            (4_107_542_399, "Sun Feb 28 23:59:59 2100"),
            (4_107_542_400, "Mon Mar  1 00:00:00 2100"),
            (253_402_300_799, "Fri Dec 31 23:59:59 9999"),
        ];
        for (secs, text) in known {
            let time = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(ctime(time), text, "ctime({secs})");
        }
    }
}
