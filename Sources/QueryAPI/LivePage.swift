import Hummingbird
import NIOCore

/// The live page, served by the gateway: `index.html`, `live.js` and `live.css` of
/// `LivePage/`, package resources embedded in the binary as they are (no build step,
/// nothing fetched from elsewhere, no resource bundle to ship beside the binary).
enum LivePage {
    struct File: Sendable {
        var path: String
        var contentType: String
        var body: ByteBuffer
    }

    static let files = [
        File(path: "/", contentType: "text/html; charset=utf-8", body: ByteBuffer(bytes: PackageResources.index_html)),
        File(path: "/live.js", contentType: "text/javascript; charset=utf-8", body: ByteBuffer(bytes: PackageResources.live_js)),
        File(path: "/live.css", contentType: "text/css; charset=utf-8", body: ByteBuffer(bytes: PackageResources.live_css)),
    ]
}
