import Foundation
import NightshiftCore
import Testing

/// The hex of SHA-256 is what every audit record's hash and every payload hash is written in:
/// records sealed before stay verifiable only if it never changes.
@Suite struct SHA256HexTests {
    @Test func knownAnswers() {
        #expect(SHA256Hex.of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Hex.of("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Hex.of(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func canonicalHashIsTheHashOfTheCanonicalText() {
        let value: JSONValue = .object(["b": .integer(1), "a": .array([.string("x"), .null, .bool(true)])])
        #expect(value.canonical == #"{"a":["x",null,true],"b":1}"#)
        #expect(value.canonicalHash == SHA256Hex.of(#"{"a":["x",null,true],"b":1}"#))
    }
}
