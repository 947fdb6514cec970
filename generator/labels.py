"""Words the site and the images both show for the contract's enumerations, in Chinese and English."""

from __future__ import annotations

PLATFORMS = {
    "douyin": ("抖音", "Douyin"), "kuaishou": ("快手", "Kuaishou"), "taobao-live": ("淘宝直播", "Taobao Live"),
    "wechat-channels": ("微信视频号", "WeChat Channels"), "xiaohongshu": ("小红书", "Xiaohongshu"),
    "bilibili": ("哔哩哔哩", "Bilibili"), "youtube": ("YouTube", "YouTube"), "tiktok": ("TikTok", "TikTok"),
    "other": ("直播间", "Live room"),
}  # fmt: skip
WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def platform_label(platform: str, language: str) -> str:
    zh, en = PLATFORMS.get(platform, PLATFORMS["other"])
    return zh if language.startswith("zh") else en
