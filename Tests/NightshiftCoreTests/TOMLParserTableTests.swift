import NightshiftCore
import Testing

@Suite("TOML parser: keys and tables")
struct TOMLParserTableTests {
    // MARK: Keys

    @Test func bareQuotedAndLiteralKeys() throws {
        let root = try TOMLParser.parse("""
            bare_key-1 = 1
            1234 = 2
            "127.0.0.1" = 3
            "ʎǝʞ" = 4
            'key2' = 5
            'quoted "value"' = 6
            "" = 7
            "tab\\tkey" = 8
            """)
        #expect(root.keys == ["bare_key-1", "1234", "127.0.0.1", "ʎǝʞ", "key2", "quoted \"value\"", "", "tab\tkey"])
        #expect(root.entries.map(\.keyLocation) == (1...8).map { tomlAt($0, 1) })
        #expect(root[""]?.int == 7)
    }

    @Test func dottedKeysMakeNestedTablesAtEachSegment() throws {
        let root = try TOMLParser.parse("""
            site."google.com".ok = true
            fruit . color = "yellow"
            fruit.flavor = "banana"
            3.14159 = "pi"
            """)
        let site = try #require(root.entry("site"))
        #expect(site.keyLocation == tomlAt(1, 1))
        #expect(site.node.location == tomlAt(1, 1))
        let google = try #require(site.node.table?.entry("google.com"))
        #expect(google.keyLocation == tomlAt(1, 6))
        #expect(google.node.table?.location == tomlAt(1, 6))
        #expect(google.node.table?.entry("ok")?.keyLocation == tomlAt(1, 19))
        #expect(google.node.table?["ok"]?.location == tomlAt(1, 24))

        let fruit = try #require(root["fruit"]?.table)
        #expect(fruit.keys == ["color", "flavor"])
        #expect(fruit.entry("color")?.keyLocation == tomlAt(2, 9))
        #expect(fruit.entry("flavor")?.keyLocation == tomlAt(3, 7))
        #expect(root[path: ["3", "14159"]]?.string == "pi")
    }

    @Test func keysKeepInsertionOrder() throws {
        let root = try TOMLParser.parse("zebra = 1\napple = 2\nmango.x = 3\n[beta]\n[alpha]\n")
        #expect(root.keys == ["zebra", "apple", "mango", "beta", "alpha"])
    }

    // MARK: Headers

    @Test func headersNestAndMayBeWrittenWithSpaces() throws {
        let root = try TOMLParser.parse("""
            [dog."tater.man"]
            type.name = "pug"
            [ j . "ʞ" . 'l' ]
            [a.b.c]
            """)
        #expect(root[path: ["dog", "tater.man", "type", "name"]]?.string == "pug")
        #expect(root[path: ["j", "ʞ", "l"]]?.table?.isEmpty == true)
        #expect(root[path: ["j", "ʞ", "l"]]?.location == tomlAt(3, 1))
        #expect(root["j"]?.table?.entry("ʞ")?.keyLocation == tomlAt(3, 7))
        #expect(root["a"]?.table?["b"]?.table?.entry("c")?.keyLocation == tomlAt(4, 6))
    }

    @Test func implicitTablesUseTheSegmentThatMadeThem() throws {
        let root = try TOMLParser.parse("[x.y.z]\nw = 1\n")
        let x = try #require(root.entry("x"))
        #expect(x.keyLocation == tomlAt(1, 2))
        #expect(x.node.location == tomlAt(1, 2))
        let y = try #require(x.node.table?.entry("y"))
        #expect(y.keyLocation == tomlAt(1, 4))
        #expect(y.node.location == tomlAt(1, 4))
        let z = try #require(y.node.table?.entry("z"))
        #expect(z.keyLocation == tomlAt(1, 6))
        #expect(z.node.location == tomlAt(1, 1))
    }

    @Test func aLaterHeaderDefinesAnImplicitTable() throws {
        let root = try TOMLParser.parse("[x.y.z]\nw = 1\n\n[x]\nv = 2\n")
        let x = try #require(root.entry("x"))
        #expect(x.keyLocation == tomlAt(4, 2))
        #expect(x.node.location == tomlAt(4, 1))
        #expect(x.node.table?.keys == ["y", "v"])
    }

    @Test func dottedKeysMayAddToImplicitTables() throws {
        let root = try TOMLParser.parse("[a.b.c]\nz = 1\n[a]\nb.d = 2\n")
        #expect(root[path: ["a", "b"]]?.table?.keys == ["c", "d"])
    }

    @Test func subTableHeadersMayExtendDottedKeyTables() throws {
        let root = try TOMLParser.parse("""
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true

            [fruit.apple.texture]
            smooth = true
            """)
        let apple = try #require(root[path: ["fruit", "apple"]]?.table)
        #expect(apple.keys == ["color", "taste", "texture"])
        #expect(apple["texture"]?.location == tomlAt(5, 1))
        #expect(apple.entry("texture")?.keyLocation == tomlAt(5, 14))
    }

    @Test func tablesMayBeDefinedOutOfOrder() throws {
        let root = try TOMLParser.parse("[fruit.apple]\n[animal]\n[fruit.orange]\n")
        #expect(root.keys == ["fruit", "animal"])
        #expect(root["fruit"]?.table?.keys == ["apple", "orange"])
    }

    // MARK: Arrays of tables

    @Test func arraysOfTablesCollectElementsAtTheirHeaders() throws {
        let root = try TOMLParser.parse("""
            [[product]]
            name = "Hammer"

            [[product]]  # empty

            [[product]]
            name = "Nail"
            """)
        let products = try #require(root.entry("product"))
        #expect(products.keyLocation == tomlAt(1, 3))
        #expect(products.node.location == tomlAt(1, 1))
        let elements = try #require(products.node.array)
        #expect(elements.map(\.location) == [tomlAt(1, 1), tomlAt(4, 1), tomlAt(6, 1)])
        #expect(elements.compactMap(\.table?.location) == [tomlAt(1, 1), tomlAt(4, 1), tomlAt(6, 1)])
        #expect(elements.map { $0.table?["name"]?.string } == ["Hammer", nil, "Nail"])
        #expect(products.node.typeName == "array")
    }

    @Test func subTablesAndNestedArraysAttachToTheLastElement() throws {
        let root = try TOMLParser.parse("""
            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"

            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        let fruits = try #require(root["fruits"]?.array).compactMap(\.table)
        #expect(fruits.count == 2)
        #expect(fruits[0]["physical"]?.table?["color"]?.string == "red")
        #expect(fruits[0]["physical"]?.location == tomlAt(3, 1))
        #expect(fruits[0]["varieties"]?.array?.compactMap { $0.table?["name"]?.string } == ["red delicious", "granny smith"])
        #expect(fruits[0]["varieties"]?.array?.map(\.location) == [tomlAt(5, 1), tomlAt(7, 1)])
        #expect(fruits[1]["physical"] == nil)
        #expect(fruits[1]["varieties"]?.array?.count == 1)
        #expect(fruits[1].entry("varieties")?.keyLocation == tomlAt(12, 10))
    }

    @Test func arraysOfTablesMayLiveInsideTables() throws {
        let root = try TOMLParser.parse("[a]\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n[a.c]\n")
        #expect(root[path: ["a", "b"]]?.array?.compactMap { $0.table?["x"]?.int } == [1, 2])
        #expect(root["a"]?.table?.keys == ["b", "c"])
    }

    @Test func pathSubscriptStopsAtNonTables() throws {
        let root = try TOMLParser.parse("a.b = 1\n")
        #expect(root[path: ["a", "b"]]?.int == 1)
        #expect(root[path: ["a", "b", "c"]] == nil)
        #expect(root[path: ["missing"]] == nil)
        #expect(root[path: []] == nil)
    }
}
