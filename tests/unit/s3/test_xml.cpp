#include <credguard/core/error.hpp>
#include <credguard/s3/xml.hpp>

#include <catch2/catch.hpp>

using namespace credguard;
using namespace credguard::s3;

TEST_CASE("xml: elements, namespaces, attributes and text of an S3 answer")
{
  auto root = parse_xml(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name>
  <Contents><Key>a b.txt</Key><Size>12</Size></Contents>
  <Contents><Key>c.txt</Key><Size>0</Size></Contents>
  <s3:IsTruncated xmlns:s3="x">false</s3:IsTruncated>
  <Empty/>
</ListBucketResult>)");
  CHECK(root.name == "ListBucketResult");
  REQUIRE(root.attributes.size() == 1);
  CHECK(root.attributes[0].second == "http://s3.amazonaws.com/doc/2006-03-01/");
  CHECK(root.child_text("Name") == "bucket");
  CHECK(root.child_text("IsTruncated") == "false");
  CHECK(root.child_text("Empty") == "");
  CHECK_FALSE(root.child_text("Missing"));
  auto contents = root.children_named("Contents");
  REQUIRE(contents.size() == 2);
  CHECK(contents[0]->child_text("Key") == "a b.txt");
  CHECK(contents[1]->child_text("Size") == "0");
  CHECK(root.find("Contents/Key")->text == "a b.txt");
  CHECK(root.find("Contents/Nope") == nullptr);
}

TEST_CASE("xml: entities, character references, CDATA and comments are decoded")
{
  auto root = parse_xml("<T a=\"&quot;q&apos;\"><!-- note -->x &amp; y &lt;z&gt; &#65;&#x42;&#x1234; "
                        "<![CDATA[<raw & text>]]></T>");
  CHECK(root.text == "x & y <z> AB\xE1\x88\xB4 <raw & text>");
  CHECK(root.attributes[0].second == "\"q'");
  CHECK(parse_xml("<ETag>&quot;abc&quot;</ETag>").text == "\"abc\"");
  CHECK(parse_xml("<K>  spaced  </K>").text == "  spaced  "); // keys may start or end with spaces
}

TEST_CASE("xml: malformed documents are data errors naming the offset")
{
  for (const char* bad : {"", "text", "<a>", "<a></b>", "<a><b></a>", "<a>&unknown;</a>", "<a>&#0;</a>", "<a x=1></a>",
                          "<a></a><b></b>", "<a><![CDATA[x</a>"}) {
    INFO(bad);
    try {
      parse_xml(bad, "test document");
      FAIL("accepted");
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::data);
      CHECK(std::string(error.what()).find("malformed test document") != std::string::npos);
      CHECK(std::string(error.what()).find("at byte") != std::string::npos);
    }
  }
}

TEST_CASE("xml: DOCTYPE is refused and nesting is bounded")
{
  CHECK_THROWS_AS(parse_xml("<!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>"), Error);
  std::string deep;
  for (int i = 0; i < 200; ++i) {
    deep += "<a>";
  }
  for (int i = 0; i < 200; ++i) {
    deep += "</a>";
  }
  CHECK_THROWS_AS(parse_xml(deep), Error);
}

TEST_CASE("xml: escaping makes text safe to embed")
{
  CHECK(xml_escape(R"(a<b>&"c'd)") == "a&lt;b&gt;&amp;&quot;c&apos;d");
  auto root = parse_xml("<Key>" + xml_escape("x & <y>") + "</Key>");
  CHECK(root.text == "x & <y>");
}
