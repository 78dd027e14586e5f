import Foundation
import Testing
@testable import StepmarkCore
@testable import StepmarkLesson

/// stepmark links FoundationEssentials, not Foundation (issue 13); what it wrote for itself in
/// Foundation's place is checked here against Foundation itself, which the tests still link:
/// NSString's path methods, whitespace trimming, NFC/NFD, percent-decoding, JSON, and the
/// phrasebook's patterns under the standard library's Regex against NSRegularExpression.
@Suite struct FoundationParityTests {
    /// path → (last component, parent, joined with "x"), as NSString gives them (read off
    /// `(p as NSString)` on this machine; Foundation on Linux traps on some of these inside the
    /// parallel test runner, so the table is written out). Two rows differ on purpose: NSString
    /// gives `a///b///` an empty parent and keeps POSIX's leading `//`.
    static let paths: [(String, String, String, String)] = [
        ("/", "/", "/", "/x"), ("a", "a", "", "a/x"), ("a/", "a", "", "a/x"), ("a//b", "b", "a", "a/b/x"),
        ("/a", "a", "/", "/a/x"), ("/a/", "a", "/", "/a/x"), ("/a/b", "b", "/a", "/a/b/x"),
        ("a/b/c.md", "c.md", "a/b", "a/b/c.md/x"), ("./x.md", "x.md", ".", "./x.md/x"),
        ("../up/x.md", "x.md", "../up", "../up/x.md/x"), (".cache", ".cache", "", ".cache/x"),
        (".cache/models", "models", ".cache", ".cache/models/x"), ("a/.hidden", ".hidden", "a", "a/.hidden/x"),
        ("x.", "x.", "", "x./x"), ("/x.y/", "x.y", "/", "/x.y/x"), ("한국어/강의.md", "강의.md", "한국어", "한국어/강의.md/x"),
        ("a///b///", "b", "a", "a/b/x"), ("", "", "", "x"), ("//", "/", "/", "/x"),
    ]

    /// The path from one folder to another, as a Markdown report links a lesson's image.
    @Test func relativePaths() {
        #expect(FilePathText.relative(from: "/w/out/en", to: "/w/lessons/en") == "../../lessons/en")
        #expect(FilePathText.relative(from: "/w/lessons/en/rep", to: "/w/lessons/en") == "..")
        #expect(FilePathText.relative(from: "/w/a", to: "/w/a/b/c") == "b/c")
        #expect(FilePathText.relative(from: "/w/a/./b/..", to: "/w/a") == ".")
        #expect(FilePathText.relative(from: "/", to: "/x//y/") == "x/y")
    }

    @Test func pathsAsNSString() {
        for (p, last, parent, joined) in Self.paths {
            #expect(FilePathText.lastComponent(p) == last, "lastComponent \(p)")
            #expect(FilePathText.parent(p) == parent, "parent \(p)")
            #expect(FilePathText.join(p, "x") == joined, "join \(p)")
        }
        #expect(FilePathText.join("a", "") == "a" && FilePathText.join("a", "sub/z") == "a/sub/z")
        #expect(FilePathText.components("/a/b") == ["/", "a", "b"] && FilePathText.components("a/b") == ["a", "b"])
        #expect(FilePathText.pathExtension("a/b/c.md") == "md" && FilePathText.pathExtension("x.tar.gz") == "gz")
        #expect(FilePathText.pathExtension("dir.d/file") == "" && FilePathText.pathExtension(".cache") == "")
        #expect(FilePathText.removingExtension("a/b/c.md") == "a/b/c" && FilePathText.removingExtension("noext") == "noext")
    }

    /// No file of stepmark's own imports full Foundation: one import would bring ICU's data
    /// back into the static binary (`make dist-test` checks its size too).
    @Test func noSourceImportsFullFoundation() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized.path
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 80)
        for file in files {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@_exported import ") {
                let module = line.split(separator: " ").last.map(String.init) ?? ""
                #expect(!["Foundation", "FoundationNetworking", "FoundationXML", "FoundationInternationalization"].contains(module),
                        "\(file) imports \(module)")
            }
        }
    }

    @Test func trimmingAsFoundation() {
        let samples = ["", " ", "\t a b \t", "\u{3000}전각\u{3000}", "\u{A0}nbsp\u{2009}", "\n keep \n", "x", "  é\u{301}  ", " \u{200B} "]
        for s in samples {
            #expect(s.trimmingHorizontalWhitespace() == s.trimmingCharacters(in: .whitespaces), "\(s.unicodeScalars.map { $0.value })")
        }
    }

    @Test func normalizationAsFoundation() {
        let samples = ["한국어", "\u{1112}\u{1161}\u{11AB}", "café", "cafe\u{301}", "Å", "A\u{30A}", "ﬁ", "\u{212B}", "ḳ́", "e\u{323}\u{302}", "ascii only", ""]
        for s in samples {
            #expect(Array(s.canonicallyComposed.unicodeScalars) == Array(s.precomposedStringWithCanonicalMapping.unicodeScalars), "NFC \(s)")
            #expect(Array(s.canonicallyDecomposed.unicodeScalars) == Array(s.decomposedStringWithCanonicalMapping.unicodeScalars), "NFD \(s)")
        }
    }

    @Test func percentDecodingAsFoundation() {
        for s in ["a%20b", "%ED%95%9C", "plain", "%", "%2", "%zz", "%FF", "100%25", "a+b", "%2F..%2F"] {
            #expect(PercentEncoding.decoded(s) == s.removingPercentEncoding, "\(s)")
        }
    }

    @Test func jsonAsJSONSerialization() throws {
        let text = #"{"a": 1, "b": [1.5, -2, 3e2], "c": {"d": true, "e": null, "f": "텍스트\n"}, "g": 9007199254740993}"#
        let mine = try #require(JSONValue.parse(Data(text.utf8)))
        let theirs = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(mine["a"]?.int == (theirs["a"] as? NSNumber)?.intValue)
        #expect(mine["b"]?.array?.compactMap(\.double) == (theirs["b"] as? [NSNumber])?.map(\.doubleValue))
        #expect(mine["c"]?["d"]?.bool == true)
        #expect(mine["c"]?["e"] == .null)
        #expect(mine["c"]?["f"]?.string == "텍스트\n")
        #expect(mine["b"]?.array?[0].int == nil)  // 1.5 is not a whole number
        #expect(JSONValue.parse(Data("{".utf8)) == nil)
        #expect(JSONValue.parse(Data("[1, 2]".utf8))?.object == nil)
        // Hostile nesting is refused by JSONDecoder's depth limit, not a stack overflow.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONValue.parse(Data(deep.utf8)) == nil)
    }

    /// Every phrase on every corpus message (English, and part way through its translation):
    /// the standard library's Regex with the split-off lookbehinds gives what
    /// NSRegularExpression gave.
    @Test func phrasesAsNSRegularExpression() throws {
        var texts = try KoreanErrorMessagesTests.corpusMessages().map(\.message)
        texts += texts.map { Phrasebook.message($0, .korean) }
        texts += ["w after 8 updates", "weights = softmax(scaled) (each row sums to 1)", "x: the first vector", "scalar 값 scalar"]
        var compared = 0
        for phrase in PhrasebookTests.everyPhrase {
            let ns = try NSRegularExpression(pattern: phrase.pattern)
            for text in texts {
                let range = NSRange(text.startIndex..., in: text)
                let expected = ns.firstMatch(in: text, range: range) == nil
                    ? nil : ns.stringByReplacingMatches(in: text, range: range, withTemplate: phrase.korean)
                let got = phrase.replacingMatches(in: text)
                if expected != nil { compared += 1 }
                #expect(got == expected, "\(phrase.pattern) on \(text)")
            }
        }
        #expect(compared > 300)
    }
}
