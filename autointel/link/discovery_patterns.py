"""Cue lists for the discovery tagger (autointel.link.discovery).

Kept apart from the code so curators can extend them without reading the rules. Everything here is plain
data: suffix -> entity type, word sets, a surname list. Edit, then run tests/test_discovery.py and
scripts/eval_cluener.py to see what changed.
"""
from __future__ import annotations

# Organisation heads. A token that is, or ends with, one of these closes a name that extends to the left.
# The longest matching suffix decides the type ("俱乐部" is an organisation even though "部" is government).
ORG_SUFFIXES: dict[str, str] = {
    # companies
    "公司": "company", "有限公司": "company", "集团": "company", "股份": "company", "控股": "company",
    "科技": "company", "汽车": "company", "银行": "company", "分行": "company", "支行": "company",
    "总行": "company", "证券": "company", "保险": "company", "基金": "company", "信托": "company",
    "传媒": "company", "地产": "company", "置业": "company", "影业": "company", "工作室": "company",
    "电子": "company", "电器": "company", "实业": "company", "能源": "company", "动力": "company",
    "智能": "company", "网": "company", "商行": "company", "资本": "company", "投资": "company",
    "娱乐": "company", "电影公司": "company", "航空": "company", "物流": "company", "新能源": "company",
    # organisations (non-state)
    "大学": "organization", "学院": "organization", "研究院": "organization", "研究所": "organization",
    "研究中心": "organization", "协会": "organization", "学会": "organization", "联合会": "organization",
    "商会": "organization", "基金会": "organization", "俱乐部": "organization", "联盟": "organization",
    "医院": "organization", "中学": "organization", "小学": "organization", "研究会": "organization",
    "队": "organization", "乐团": "organization", "联赛": "organization", "理事会": "organization",
    "实验室": "organization", "组织": "organization", "中心": "organization",
    # government
    "部": "government", "局": "government", "公安厅": "government", "教育厅": "government",
    "财政厅": "government", "商务厅": "government", "交通厅": "government", "卫生厅": "government",
    "民政厅": "government", "司法厅": "government", "科技厅": "government", "工信厅": "government", "署": "government", "总署": "government",
    "委员会": "government", "委": "government", "办公室": "government",
    "法院": "government", "检察院": "government", "政府": "government", "国务院": "government",
    "监会": "government", "海关": "government", "常委会": "government", "人大": "government",
    "中院": "government", "公安局": "government",
    "海军": "government", "空军": "government", "陆军": "government", "军方": "government",
    "央行": "government", "人民银行": "government", "储备银行": "government", "联储": "government",
}

# Whole tokens that end with a suffix above but are ordinary words (内部, 格局, 餐厅...), or bare heads
# that name a kind of thing rather than one organisation (子公司, 上市公司).
NOT_HEADS: frozenset[str] = frozenset("""
内部 外部 全部 东部 西部 南部 北部 中部 总部 干部 头部 局部 大部 底部 顶部 腹部 面部 胸部 背部 尾部 部部
细部 本部 各部 脚部 颈部 腰部 肺部 胃部 腿部 肩部 一部 两部 这部 那部 此部 首部 前部 后部 上部 下部
天龙八部 门市部 司令部 格局 布局 结局 当局 出局 开局 大局 全局 残局 饭局 骗局 时局 政局 变局 僵局 赌局 棋局 终局 战局 败局 胜局
餐厅 客厅 大厅 舞厅 展厅 门厅 前厅
部署 签署 官署 公署
举办 创办 承办 主办 协办 合办 兴办 开办 操办 查办 督办 包办 怎么办 咋办 好办 难办 代办 停办 申办 不办 要办
上市公司 子公司 母公司 分公司 总公司 该公司 本公司 此公司 新公司 大公司 小公司 空壳公司
集团公司 股份公司 控股公司 外资银行 中资银行 商业银行 国有银行 地方银行 投资银行 部门 球队 车队 团队
军队 部队 排队 组队 带队 入队 归队 整队 梯队 乐队 网队 乡镇企业 公务员 上司 公司法 官司 司机 司法
到处 好处 坏处 处处 之处 何处 此处 相处 共处 各处 深处 远处 近处 住处 出处 用处 益处 长处 短处 难处
平局 大结局 结局 营业厅 售楼部 信贷部 营业部 编辑部 销售部 市场部 分部 副署 主队 客队 两队 全队 连队 战队
球队 各队 本队 对手队 该队 商业地产 房地产 电子银行 私人银行 网上银行 手机银行 保险公司 信托公司 博彩公司
家具公司 中介公司 物业公司 开发公司 咨询公司 投资公司 管理公司 科技公司 汽车公司 基金公司 证券公司 外资 中资
市中心 购物中心 办事处 派出所 管理处 筹备处 研究所 事务所 交易所 场所 厕所 住所 诊所 处理 处于 处在 处罚 处置
智能化 数字化 信息化 网络化 电子化 国际化 办法 联网 互联网 上网 官网 网上 网友 网络 电网 球网 渔网
天网 外网 内网 入网 中网 全网 一网 法网 蜘蛛网 因特网 物联网 车联网 政府网 组织 队伍 公司化
""".split())

# Words that may not open a name: generic modifiers a suffix often follows (国内银行, 新能源汽车, 多家公司).
GENERIC_LEFT: frozenset[str] = frozenset("""
国内 国外 海外 境内 境外 国有 国营 民营 私营 外资 中资 合资 独资 外商 大型 中型 小型 微型 中小 大中型
各大 各 多家 数家 一家 两家 三家 这家 那家 该家 此家 知名 著名 有关 相关 主要 重要 其他 其它 其余
全国 全球 世界 各地 地方 当地 本地 外地 商业 零售 传统 新兴 新 老 大 小 主流 领先 头部 龙头 上市 非上市
新能源 电动 纯电 混动 插混 增程 燃油 智能 智能网联 自动驾驶 无人驾驶 乘用 商用 家用 国产 进口 二手 豪华
本报讯 讯 据 记者 客户 彩民 网友 市民 消费者 用户 车主 通过 包括 旗下 加入 成立 收购 参股 携手
新款 全新 改款 款 新车 车型 旗舰 版 vs VS Vs 对 等 高端 低端 中端 入门 整车 部分 所有 全部 一些 许多 很多 不少 多数 少数 几家 个别 某 某些 每家 每个
""".split())

# Part-of-speech tags that can sit inside an organisation name (place, person, proper noun, noun,
# abbreviation, Latin letters). Verbs and adjectives get in only with a proper-noun anchor to their left.
NAME_POS: frozenset[str] = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "n", "eng", "j", "ng", "nw", "vn", "l", "an"})
WEAK_POS: frozenset[str] = frozenset({"v", "a", "vg", "ag", "b", "d", "s", "f"})
ANCHOR_POS: frozenset[str] = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "eng", "j"})

# Titles: a person's name usually follows directly ("董事长邱纯潮", "CEO 李想").
TITLES: frozenset[str] = frozenset("""
CEO COO CTO CFO 总裁 副总裁 董事长 副董事长 董事 创始人 联合创始人 总经理 副总经理 经理 部长 副部长
发言人 秘书长 副秘书长 主席 副主席 首席执行官 执行官 总监 主任 副主任 局长 副局长 厅长 市长 副市长
省长 副省长 县长 书记 副书记 总理 副总理 总统 院长 副院长 校长 教授 副教授 研究员 分析师 经济学家
行长 副行长 会长 副会长 理事长 合伙人 首席 负责人 主管 总工程师 工程师 主编 记者 律师 法官 检察官
医生 博士 先生 女士 主帅 主教练 教练 导演 演员 歌手 球员 队长 总编 专家 学者 处长 科长 司长 委员
""".split())

# Verbs of saying: "X表示" / "X称" put a person (or an organisation) in subject position.
SPEECH_VERBS: frozenset[str] = frozenset("""
表示 称 说 透露 指出 认为 介绍 强调 坦言 直言 告诉 回应 解释 说道 笑称 补充 提到 谈到 建议 证实 宣布 坦承
""".split())

# Common Chinese surnames (single and compound). A 2-4 character nr token must start with one of these.
SURNAMES: frozenset[str] = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
    "明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓"
)
# The most frequent surnames, minus characters that often open ordinary words or foreign names
# (金 白 龙 叶 海 华 平 乐 马 ...). Two-character nr guesses must start with one of these: on CLUENER train,
# two-character guesses from the full list were right less than half the time.
COMMON_SURNAMES: frozenset[str] = frozenset(
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜程魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范廖贾夏韦付邹孟熊秦邱尹薛闫段侯史陶黎贺顾毛郝龚邵钱严覃戴孔汤"
)
COMPOUND_SURNAMES: frozenset[str] = frozenset("欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 令狐 夏侯 轩辕 宇文 端木 司徒 西门".split())

# Tagged nr/ns by jieba but not names (NOTES: 智能化 -> nr, 深度 -> ns), plus common false starts.
NOT_PERSONS: frozenset[str] = frozenset("""
智能化 深度 高达 万元 金融 金额 黄金 石油 马力 车主 方面 方案 安全 安装 高速 高端 高层 文化 明星 明显 平均
平台 平安 平稳 国家 国际 国内 国产 国外 龙头 江湖 江山 林业 时间 时代 时尚 向上 向下 常规 常年 温度 康复
齐全 易用 易于 于是 于此 成本 成功 成为 成交 成立 成熟 华人 华为 华丽 华夏 宁愿 宁可 全新 全面 全球 全国
关于 关注 关键 关系 管理 管理层 程度 包括 包装 车型 车辆 车身 车企 车展 路线 路况 路上 路面 曲线 简单 简直
卫星 卫生 连续 连接 尚未 伍兹 应用 应对 应该 应当 计划 计算 和谐 万亿 万辆 万台 司机 商务 商家 沙发 荣誉
""".split())

# A model code: Latin letters then digits, optionally more letters ("SU7", "M9", "ES6", "P7i", "L9 Pro" -> L9).
MODEL_CODE_RE = r"[A-Z][A-Za-z]{0,3}-?\d{1,3}[A-Za-z]{0,3}"
# Codes that look like models but are not (network generations, chip nodes, awards, tax forms).
NOT_MODELS: frozenset[str] = frozenset("G20 G7 G8 4S 5G 4G 3G A4 A3 B2B B2C C2C O2O P2P COVID19 H1 H2 Q1 Q2 Q3 Q4 F1".split())
