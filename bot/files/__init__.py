"""Files on both sides: a brief's pack (tech pack, sketches, reference photos) and an atelier's
portfolio, kept as Telegram references and passed on only where their owner chose."""
