//! UDP时间戳服务器: `ts_udp_server.py` of article 004.
//!
//! No listen, no accept: each datagram carries its sender's address, and the
//! reply, the time alone, goes back to it. One socket serves every client,
//! and a datagram arrives whole or not at all (UDP keeps message boundaries).

use std::net::{SocketAddr, UdpSocket};
use std::time::{SystemTime, UNIX_EPOCH};

pub fn run(addr: &str) -> std::io::Result<()> {
    // udpSerSock = socket(AF_INET, SOCK_DGRAM); udpSerSock.bind(ADDR): one call in Rust.
    let udp_ser_sock = UdpSocket::bind(addr).map_err(|e| crate::context("cannot bind", addr, e))?;
    let local = udp_ser_sock.local_addr()?;
    crate::print(&format!("Listening on {local}"))?;
    // Python reads recvfrom(BUFSIZ), 1024 bytes, and Linux cuts a longer
    // datagram to that; Windows fails the read instead (WSAEMSGSIZE). So we
    // read into 64 KiB, room for any datagram: the reply is the time alone,
    // whatever the datagram held.
    let mut data = vec![0; 65536];

    loop {
        crate::print("waiting for message...")?;
        // data, addr = udpSerSock.recvfrom(BUFSIZ)
        let addr = match udp_ser_sock.recv_from(&mut data) {
            Ok((_, addr)) => addr,
            Err(e) => {
                // Windows reports here that an earlier reply met a closed
                // port (ConnectionReset): that client has gone; serve the next.
                crate::warn("server", &format!("cannot receive: {e}"));
                continue;
            }
        };
        // udpSerSock.sendto(bytes(ctime(), 'utf-8'), addr)
        let reply = ctime(SystemTime::now());
        if let Err(e) = udp_ser_sock.send_to(reply.as_bytes(), addr) {
            crate::warn("server", &format!("cannot reply to {addr}: {e}"));
            continue;
        }
        // print('...received from and returned to:', addr), addr as Python prints it
        crate::print(&format!(
            "...received from and returned to: {}",
            py_addr(addr)
        ))?;
    }
    // udpSerSock.close(): never reached, in the article too; the loop serves for ever.
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
