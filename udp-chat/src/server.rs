//! UDP server of the point-to-point chat (Python version `p2p_udp_server.py`):
//! no listen, no accept; receives first, then answers. `88` from either side
//! ends the chat.

use crate::*;

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象 (SOCK_DGRAM) + 绑定服务端的IP地址和端口号: UdpSocket::bind does both.
    let udp_server =
        std::net::UdpSocket::bind(addr).map_err(|e| context("cannot bind", addr, e))?;
    print(&format!("Listening on {}\n", udp_server.local_addr()?))?;
    // Room for any datagram, so that none is too long to receive (Windows
    // fails such a read); what is shown is cut to 1024 bytes, as by recvfrom(1024).
    let (mut recv_data, mut client, mut warned) = ([0; 65536], None, false);
    loop {
        // 服务端首先接收客户端的消息: one datagram is one message. (Only
        // Windows tells an unconnected socket that its client has gone.)
        let (n, from) = udp_server
            .recv_from(&mut recv_data)
            .map_err(|e| gone("server", client, addr, e))?;
        // The chat is with the first client that speaks. Anyone else who
        // knows the port is not shown and not answered, and its 88 ends nothing.
        if *client.get_or_insert(from) != from {
            if !std::mem::replace(&mut warned, true) {
                warn(
                    "server",
                    format!("ignoring {from} and any other stranger: not this chat's client"),
                );
            }
            continue;
        }
        print(&format!("收到客户端消息: {}\n", safe(&recv_data[..n])))?;
        // 接收到"88"时, 服务端程序终止
        if trim(&recv_data[..n]) == b"88" {
            return Ok(());
        }
        // 发送消息给发送方的地址. Article 002's server sends to ('127.0.0.1', 9000),
        // its own address, so it only ever talks to itself; that bug is not copied.
        let send_msg = input("server")?;
        udp_server
            .send_to(&send_msg, from)
            .map_err(|e| context("cannot send to", &from.to_string(), e))?;
        if send_msg == b"88" {
            return Ok(());
        }
    }
}
