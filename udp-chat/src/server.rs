//! UDP server of the point-to-point chat (Python version `p2p_udp_server.py`):
//! no listen, no accept; receives first, then answers. `88` from either side
//! ends the chat.

use std::io;
use std::net::{SocketAddr, UdpSocket};

pub fn run(addr: &str) -> io::Result<()> {
    // 创建socket对象, 基于UDP协议 + 绑定服务端的IP地址和端口号: UdpSocket::bind does both.
    let udp_server = UdpSocket::bind(addr).map_err(|e| crate::context("cannot bind", addr, e))?;
    crate::print(&format!("Listening on {}", udp_server.local_addr()?))?;
    // Room for any datagram: Windows fails a read into a buffer too short
    // for the datagram, where Linux cuts it.
    let mut recv_data = [0; 65536];
    let mut client: Option<SocketAddr> = None; // the first client that speaks: this chat's
    loop {
        // 服务端首先接收客户端的消息: one datagram is one message.
        let (n, client_addr) = match udp_server.recv_from(&mut recv_data) {
            Ok(pair) => pair,
            Err(e) => {
                let e = crate::context("waiting on", addr, e);
                return crate::gone("server", client, e);
            }
        };
        let n = n.min(1024); // recvfrom(1024) keeps the first 1024 bytes
        // The chat is with the first client that speaks. Anyone else who
        // knows the port is not shown and not answered, and its 88 ends nothing.
        if client.is_some() && client != Some(client_addr) {
            crate::warn("server", &format!("ignoring stranger {client_addr}"));
            continue;
        }
        client = Some(client_addr);
        let recv_msg = crate::show(&recv_data[..n]);
        crate::print(&format!("收到客户端消息: {recv_msg}"))?;
        // 接收到"88"时, 服务端程序终止
        if recv_msg == "88" {
            return Ok(());
        }
        // 发送消息给发送方的地址: to client_addr, where the message came from.
        let send_msg = crate::input("server")?;
        udp_server
            .send_to(send_msg.as_bytes(), client_addr)
            .map_err(|e| crate::context("cannot send to", &client_addr.to_string(), e))?;
        if send_msg == "88" {
            return Ok(()); // udp_server.close(): the socket is closed when dropped
        }
    }
}
