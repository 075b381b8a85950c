"""The member inbox: classifying messages, writing replies, the club's knowledge."""
