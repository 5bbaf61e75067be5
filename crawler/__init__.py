"""Scrapy spiders for municipal news: configured sources, crawled incrementally and politely."""
