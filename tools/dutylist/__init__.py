"""dutylist: validate and diff the editions of the 奇台镇 duty list data package."""

__version__ = "0.1.0"
