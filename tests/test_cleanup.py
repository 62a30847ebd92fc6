from autointel.normalize.aligned import AlignedText
from autointel.normalize.cleanup import (
    classify_paragraph,
    drop_boilerplate,
    normalize_width,
    remove_pinyin_marks,
    repair_photo_credits,
)


def _clean(text: str) -> str:
    return normalize_width(AlignedText.identity(text)).text


def test_fullwidth_number_punctuation():
    assert _clean("北京汽车股价大涨３０．５％，小米上涨3．3％") == "北京汽车股价大涨30.5%，小米上涨3.3%"
    assert _clean("晚19：00-20：30") == "晚19:00-20:30"
    assert _clean("共计1，100万辆") == "共计1,100万辆"
    assert _clean("分别为1，2，3名") == "分别为1，2，3名"  # a list, not thousands
    assert _clean("ＢＹＤ") == "BYD"


def test_width_keeps_alignment():
    original = "股价大涨３０．５％"
    at = normalize_width(AlignedText.identity(original))
    s, e = at.original_span(4, 9)
    assert original[s:e] == "３０．５％"


def test_pinyin_marks_removed_only_after_han():
    at, n = remove_pinyin_marks(AlignedText.identity("重慶汽車行業(yè)在兩江新區(qū)發(fā)展(de)，見附件(a)"))
    assert at.text == "重慶汽車行業在兩江新區發展，見附件"
    assert n == 5
    untouched, n = remove_pinyin_marks(AlignedText.identity("见附件(a)和比亚迪(BYD)"))
    assert untouched.text == "见附件(a)和比亚迪(BYD)" and n == 0


def test_fused_photo_credit_is_repaired():
    text = "才是实质性障碍。美国贸易代表格里尔 彭博社美国贸易代表格里尔在接受外媒采访时表示"
    at, n = repair_photo_credits(AlignedText.identity(text))
    assert at.text == "才是实质性障碍。美国贸易代表格里尔在接受外媒采访时表示"
    assert n == 1


def test_inline_caption_credit_is_removed():
    text = "开幕迎客。图为汽车展区吸引采购商。中新社记者 陈楚红 摄根据全球车企发布的数据"
    at, _ = repair_photo_credits(AlignedText.identity(text))
    assert at.text == "开幕迎客。根据全球车企发布的数据"


def test_spaced_latin_text_is_not_mistaken_for_a_credit():
    text = "IT之家 11 月 23 日消息，第一电动研究院发布数据"
    at, n = repair_photo_credits(AlignedText.identity(text))
    assert at.text == text and n == 0


def test_paragraph_rules():
    assert classify_paragraph("文 | 王耐、杨俊") == "byline"
    assert classify_paragraph("编辑 | 石亚琼") == "byline"
    assert classify_paragraph("作者｜李明") == "byline"
    assert classify_paragraph("活动现场。主办方供图") == "caption"
    assert classify_paragraph("扫码添加小助手报名↑") == "call_to_action"
    assert classify_paragraph("原文标题 : 三人成虎") == "original_title"
    assert classify_paragraph("特别声明:以上内容为自媒体平台“机电号”用户上传并发布,本平台仅提供信息存储服务") == "disclaimer"
    assert classify_paragraph("Notice: The content above (including the pictures) is uploaded by a user") == "disclaimer"
    assert classify_paragraph("据工信部数据，2021年我国新能源汽车销售352.1万辆。") is None
    # a long paragraph that merely mentions a QR code is content
    assert classify_paragraph("二维码" + "新能源汽车产业持续发展" * 15) is None


def test_drop_boilerplate_moves_bylines_to_metadata_and_keeps_alignment():
    original = "文 | 王耐、杨俊\n编辑 | 石亚琼\n  正文第一段。  \n扫码添加小助手报名\n正文第二段。"
    at, report = drop_boilerplate(AlignedText.identity(original))
    assert at.text == "正文第一段。\n正文第二段。"
    assert report.bylines == {"authors": ["王耐", "杨俊"], "editors": ["石亚琼"]}
    s, e = at.original_span(7, 13)
    assert original[s:e] == "正文第二段。"
