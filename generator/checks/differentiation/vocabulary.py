"""Word lists the check relies on: generic name parts, stock phrases, and product terms.

These are data, kept in Python (not a data file) so that they ship with the package without
package-data configuration. Each list says why it exists; extend it rather than special-casing code.
"""

from __future__ import annotations

# Parts of a Chinese place or organisation name that say what kind of thing it is, not which one.
# Stripped (longest first, repeatedly, from the end and from anywhere for the organisational words)
# so that 黄杜村 and 黄杜生态农业专业合作社 both come down to 黄杜.
GENERIC_NAME_SUFFIXES_ZH: tuple[str, ...] = (
    "农民专业合作社", "专业合作社", "股份经济合作社", "经济合作社", "合作社", "村民委员会", "居民委员会", "村委会",
    "居委会", "行政村", "自然村", "社区", "街道", "村", "镇", "乡", "寨", "屯", "组",
)
GENERIC_NAME_WORDS_ZH: tuple[str, ...] = (
    "有限责任公司", "有限公司", "公司", "家庭农场", "农场", "生态", "农业", "电商", "淘宝", "旅游", "文化",
    "特色", "美丽", "乡村", "产业园", "基地", "朝鲜族", "民族", "苗族", "侗族", "彝族", "哈尼族", "壮族", "土家族",
)
GENERIC_NAME_WORDS_EN: frozenset[str] = frozenset(
    ["village", "villages", "co", "op", "coop", "cooperative", "co-op", "farm", "farms", "ecological", "eco", "agriculture", "agricultural", "town", "township", "county", "the", "of", "and", "ecommerce", "e", "commerce", "taobao", "rural", "community", "group", "company", "ltd"]
)
# Administrative suffixes stripped from a region name to get the word people use in stories:
# 安吉县 -> 安吉, 湖州市 -> 湖州.
REGION_SUFFIXES: tuple[str, ...] = (
    "特别行政区", "自治州", "自治县", "自治区", "地区", "街道", "省", "市", "县", "区", "旗", "盟", "镇", "乡",
)

# Stock phrases nearly every village story uses; they say nothing about who wrote it, so two
# stories sharing them are not copies. Removed before shingling, on top of the shingles that turn
# out to be common in the corpus itself.
STOCK_PHRASES: tuple[str, ...] = (
    "绿水青山就是金山银山", "绿水青山", "青山绿水", "金山银山", "乡村振兴", "脱贫攻坚", "原生态", "纯天然", "无污染",
    "山清水秀", "好山好水", "世外桃源", "勤劳朴实", "勤劳智慧", "得天独厚", "天然氧吧", "土生土长", "日出而作",
    "日落而息", "祖祖辈辈", "一代又一代", "家家户户", "男女老少", "远近闻名", "源远流长", "历史悠久", "欢迎您",
    "green mountains and clear waters", "rural revitalization", "all natural", "pollution free",
)

# The controlled product vocabulary: term id -> (category, forms). A product name is mapped to
# every term whose form it contains (longest forms first, so 葡萄干 is not also 葡萄). The
# categories tie terms from a reference registry (鞋, 家具) to the project's category list.
PRODUCT_TERMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "white-tea": ("tea", ("白茶", "white tea")),
    "green-tea": ("tea", ("绿茶", "龙井", "毛峰", "碧螺春", "毛尖", "green tea", "longjing")),
    "black-tea": ("tea", ("红茶", "滇红", "祁红", "black tea")),
    "tieguanyin": ("tea", ("铁观音", "tieguanyin")),
    "oolong": ("tea", ("乌龙", "岩茶", "大红袍", "单丛", "oolong")),
    "pu-erh": ("tea", ("普洱", "pu-erh", "puer")),
    "dark-tea": ("tea", ("黑茶", "茯砖", "dark tea")),
    "tea": ("tea", ("茶叶", "tea leaves")),
    "red-rice": ("rice", ("红米", "red rice")),
    "black-rice": ("rice", ("黑米", "black rice")),
    "glutinous-rice": ("rice", ("糯米", "glutinous rice", "sticky rice")),
    "rice": ("rice", ("大米", "稻花香", "香米", "rice")),
    "apple": ("fruit", ("苹果", "红富士", "apple", "apples")),
    "pear": ("fruit", ("梨", "pear", "pears")),
    "peach": ("fruit", ("桃", "peach", "peaches")),
    "citrus": ("fruit", ("柑橘", "脐橙", "橙", "橘", "柑", "citrus", "orange", "oranges", "mandarin")),
    "pomelo": ("fruit", ("柚", "pomelo")),
    "kiwi": ("fruit", ("猕猴桃", "kiwi", "kiwifruit")),
    "grape": ("fruit", ("葡萄", "grape", "grapes")),
    "lychee": ("fruit", ("荔枝", "lychee")),
    "longan": ("fruit", ("龙眼", "桂圆", "longan")),
    "mango": ("fruit", ("芒果", "mango")),
    "cherry": ("fruit", ("樱桃", "车厘子", "cherry", "cherries")),
    "blueberry": ("fruit", ("蓝莓", "blueberry", "blueberries")),
    "bayberry": ("fruit", ("杨梅", "bayberry")),
    "loquat": ("fruit", ("枇杷", "loquat")),
    "persimmon": ("fruit", ("柿子", "persimmon")),
    "jujube": ("fruit", ("红枣", "大枣", "jujube", "jujubes")),
    "strawberry": ("fruit", ("草莓", "strawberry", "strawberries")),
    "melon": ("fruit", ("哈密瓜", "甜瓜", "西瓜", "melon", "watermelon")),
    "raisin": ("nuts-dried-fruit", ("葡萄干", "raisin", "raisins")),
    "dried-persimmon": ("nuts-dried-fruit", ("柿饼", "dried persimmon")),
    "hickory": ("nuts-dried-fruit", ("山核桃", "hickory")),
    "walnut": ("nuts-dried-fruit", ("核桃", "walnut", "walnuts")),
    "chestnut": ("nuts-dried-fruit", ("板栗", "栗子", "chestnut", "chestnuts")),
    "roasted-nuts": ("nuts-dried-fruit", ("坚果炒货", "炒货", "坚果", "瓜子", "花生", "nuts", "peanuts")),
    "bamboo-shoot": ("vegetables", ("笋", "bamboo shoot", "bamboo shoots")),
    "kimchi": ("vegetables", ("辣白菜", "泡菜", "kimchi")),
    "sweet-potato": ("vegetables", ("红薯", "番薯", "地瓜", "sweet potato")),
    "potato": ("vegetables", ("土豆", "马铃薯", "potato", "potatoes")),
    "yam": ("vegetables", ("山药", "yam")),
    "lotus-root": ("vegetables", ("莲藕", "藕", "lotus root")),
    "shiitake": ("mushrooms", ("香菇", "花菇", "shiitake")),
    "maitake": ("mushrooms", ("灰树花", "舞茸", "maitake")),
    "wood-ear": ("mushrooms", ("木耳", "wood ear")),
    "matsutake": ("mushrooms", ("松茸", "matsutake")),
    "morel": ("mushrooms", ("羊肚菌", "morel", "morels")),
    "honey": ("honey", ("蜂蜜", "土蜂蜜", "蜂巢蜜", "honey")),
    "cured-meat": ("meat-poultry", ("腊肉", "火腿", "腊肠", "香肠", "cured pork", "ham", "sausage")),
    "chicken": ("meat-poultry", ("土鸡", "走地鸡", "鸡肉", "chicken")),
    "duck-egg": ("eggs", ("鸭蛋", "duck egg", "duck eggs")),
    "egg": ("eggs", ("鸡蛋", "土鸡蛋", "eggs")),
    "crab": ("seafood", ("大闸蟹", "螃蟹", "蟹", "crab", "crabs")),
    "crayfish": ("seafood", ("小龙虾", "crayfish")),
    "chili": ("spices", ("辣椒", "chili", "chilli", "chillies")),
    "sichuan-pepper": ("spices", ("花椒", "sichuan pepper")),
    "camellia-oil": ("grain-oil", ("山茶油", "茶油", "茶籽油", "camellia oil")),
    "rapeseed-oil": ("grain-oil", ("菜籽油", "rapeseed oil")),
    "millet": ("grain-oil", ("小米", "millet")),
    "rice-cake": ("snacks", ("打糕", "年糕", "糍粑", "rice cake", "tteok")),
    "snacks": ("snacks", ("零食", "糕点", "脆片", "crisps", "snack")),
    "rice-wine": ("liquor", ("米酒", "黄酒", "rice wine")),
    "baijiu": ("liquor", ("白酒", "baijiu")),
    "goji": ("medicinal-herbs", ("枸杞", "goji")),
    "chrysanthemum": ("flowers", ("皇菊", "菊花", "chrysanthemum")),
    "flowers": ("flowers", ("花卉", "苗木", "多肉", "flowers", "nursery plants")),
    "batik": ("textile", ("蜡染", "batik")),
    "embroidery": ("textile", ("刺绣", "苗绣", "embroidery")),
    "handwoven-cloth": ("textile", ("手织粗布", "土布", "handwoven cloth")),
    "silk-quilt": ("textile", ("蚕丝被", "silk quilt")),
    "bedding": ("textile", ("床上用品", "家纺", "bedding")),
    "clothing": ("textile", ("女装", "男装", "童装", "服装", "服饰", "家居服", "clothing")),
    "jeans": ("textile", ("牛仔裤", "jeans")),
    "knitwear": ("textile", ("毛衣", "毛线", "sweater", "yarn")),
    "down-jacket": ("textile", ("羽绒服", "down jacket")),
    "fur-leather": ("textile", ("皮草", "皮衣", "皮革", "皮具", "fur", "leather")),
    "stage-costume": ("textile", ("演出服饰", "演出服", "stage costume")),
    "socks": ("textile", ("袜子", "socks")),
    "shoes": ("other", ("运动鞋", "鞋", "shoes", "sneakers")),
    "bags": ("handicraft", ("箱包", "bags", "luggage")),
    "furniture": ("other", ("藤铁家具", "家具", "沙发", "furniture", "sofa")),
    "wood-carving": ("handicraft", ("木雕", "wood carving")),
    "stone-carving": ("handicraft", ("石雕", "stone carving")),
    "straw-weaving": ("handicraft", ("草柳编", "草编", "柳编", "藤编", "straw weaving", "wicker")),
    "paper-cut": ("handicraft", ("剪纸", "paper-cut", "papercut")),
    "jewellery": ("handicraft", ("饰品", "银饰", "绿松石", "jewellery", "jewelry")),
    "toys": ("other", ("教玩具", "毛绒玩具", "玩具", "toys")),
    "zisha": ("ceramics", ("紫砂", "zisha")),
    "celadon": ("ceramics", ("青瓷", "celadon")),
    "ceramics": ("ceramics", ("陶瓷", "瓷器", "瓷砖", "ceramics", "porcelain")),
    "bamboo-ware": ("bamboo", ("竹席", "竹编", "竹制品", "bamboo mat", "bamboo weaving")),
    "sword": ("handicraft", ("宝剑", "sword")),
    "phones-digital": ("other", ("手机", "数码配件", "电脑配件", "对讲机", "笔记本电脑", "phone", "phones")),
    "car-accessories": ("other", ("汽车用品", "汽车配件", "汽车零配件", "摩托车配件", "car accessories")),
    "appliances": ("other", ("家电", "生活电器", "热水器", "appliances")),
    "homestay": ("tourism", ("民宿", "住一晚", "一晚", "农家乐", "homestay", "guesthouse")),
    "workshop": ("tourism", ("体验课", "体验", "研学", "workshop", "class")),
}
